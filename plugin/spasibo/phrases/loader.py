"""Reading phrase packs from TOML files and checking them before the detector trusts them.

``load_pack`` reads one file and raises ``PhraseFileError`` listing every problem as ``file:line: message``;
``validate_packs`` checks packs against each other (one phrase claimed by two intents, a phrase that one
pack's veto or lookalike list would silently cancel). ``builtin_packs`` reads the files shipped here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from spasibo.errors import ConfigError
from spasibo.phrases.pack import PhrasePack

BUILTIN_DIR = Path(__file__).parent
# the lists whose entries a maintainer writes one by one, and so can duplicate or leave empty
_ENTRY_LISTS = (
    "phrases",
    "weak_phrases",
    "lookalikes",
    "pleasantries",
    "reply_cues",
    "lead_ins",
    "news_cues",
    "request_openers",
    "refusal_cues",
    "refusal_answers",
    "clause_breakers",
    "negations",
    "reason_openers",
    "new_subjects",
)


@dataclass(frozen=True)
class PhraseProblem:
    """One thing wrong with a phrase pack, located as precisely as the source allows."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


class PhraseFileError(ConfigError):
    """A phrase file or pack is invalid; ``problems`` lists each one with its file and line."""

    def __init__(self, problems: Iterable[PhraseProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


_QUOTED_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')
_TOML_POSITION_RE = re.compile(r"at line (\d+)")


class _LineFinder:
    """Finds the line of the n-th time a quoted entry appears in a file (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._entries: dict[str, list[int]] = {}
        for number, line in enumerate(self._lines, start=1):
            for match in _QUOTED_RE.finditer(line):
                value = match.group(1) if match.group(1) is not None else match.group(2)
                self._entries.setdefault(_normal(value), []).append(number)

    def line_of(self, value: str, occurrence: int = 1) -> int | None:
        lines = self._entries.get(_normal(value), [])
        return lines[occurrence - 1] if len(lines) >= occurrence else None

    def line_of_key(self, key: str) -> int | None:
        for number, line in enumerate(self._lines, start=1):
            if line.lstrip().startswith(key):
                return number
        return None


def _normal(entry: str) -> str:
    return " ".join(entry.lower().replace("ё", "е").split())


def _entry_problems(pack: PhrasePack, lines: _LineFinder | None) -> Iterator[PhraseProblem]:
    def at(value: str, occurrence: int = 1) -> int | None:
        return lines.line_of(value, occurrence) if lines else None

    lists: dict[str, tuple[str, ...]] = {name: getattr(pack, name) for name in _ENTRY_LISTS}
    for index, veto in enumerate(pack.vetoes):
        lists[f"vetoes[{index}] ({veto.family}) cues"] = veto.cues
    for name, entries in lists.items():
        seen: dict[str, int] = {}
        for entry in entries:
            key = _normal(entry)
            seen[key] = seen.get(key, 0) + 1
            if not key or key == "*":
                yield PhraseProblem(pack.source, at(entry), f"empty entry in {name}")
            elif seen[key] == 2:
                yield PhraseProblem(pack.source, at(entry, 2), f"duplicate entry {entry!r} in {name}")
    cancelling = {_normal(cue): f"a {veto.family} veto cue" for veto in pack.vetoes for cue in veto.cues}
    cancelling.update({_normal(word): "a lookalike" for word in pack.lookalikes})
    for phrase in (*pack.phrases, *pack.weak_phrases):
        if _normal(phrase) in cancelling:
            message = f"phrase {phrase!r} is also {cancelling[_normal(phrase)]}: it could never match"
            yield PhraseProblem(pack.source, at(phrase), message)


def _rule_problems(pack: PhrasePack) -> Iterator[PhraseProblem]:
    """Rules with the same id, and phrases the pack's own hard rules veto on their own."""
    ids = [rule.id for rule in pack.vetoes if rule.id is not None]
    for rule_id in sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1}):
        yield PhraseProblem(pack.source, None, f"rule id {rule_id!r} is used by more than one rule")
    if not pack.vetoes:
        return
    from spasibo.detection.detector import GratitudeDetector

    # A longer phrase shields its words from the rules ("даже спасибо" never meets the rule "даже" before
    # "спасибо"): read each phrase as a message with only the shorter phrases known, as the rules see it.
    lengths = {phrase: len(phrase.split()) for phrase in (*pack.phrases, *pack.weak_phrases)}
    for length in sorted(set(lengths.values()) - {1}):
        shorter = pack.model_copy(
            update={
                "phrases": tuple(p for p in pack.phrases if lengths[p] < length),
                "weak_phrases": tuple(p for p in pack.weak_phrases if lengths[p] < length),
            }
        )
        detector = GratitudeDetector([shorter], prefilter=False)
        for phrase in (p for p, n in lengths.items() if n == length):
            vetoing = [hit.id for _, hits in detector.rule_hits(phrase) for hit in hits if hit.hard]
            if vetoing:
                message = f"phrase {phrase!r} on its own would be vetoed by its pack's rule {vetoing[0]!r}"
                yield PhraseProblem(pack.source, None, message)


def validate_packs(packs: Iterable[PhrasePack]) -> list[PhraseProblem]:
    """Check packs one by one and against each other; return every problem found (empty when all is well).

    Within a pack: empty or duplicate entries, a phrase that is also a veto cue or lookalike, a phrase that
    the pack's own hard rules veto when it is the whole message, two rules with one id. Across packs: one
    phrase claimed by two intents, a phrase of one pack listed as a lookalike by another pack of the same
    intent. Lines are known only for packs read from a file with ``load_pack``.
    """
    packs = list(packs)
    problems = [problem for pack in packs for problem in _entry_problems(pack, None)]
    problems.extend(problem for pack in packs for problem in _rule_problems(pack))
    owner: dict[str, PhrasePack] = {}
    for pack in packs:
        for phrase in (*pack.phrases, *pack.weak_phrases):
            other = owner.setdefault(_normal(phrase), pack)
            if other.intent != pack.intent:
                message = f"phrase {phrase!r} ({pack.intent}) is also in {other.source} ({other.intent})"
                problems.append(PhraseProblem(pack.source, None, message))
    for pack in packs:
        for other in packs:
            if other is pack or other.intent != pack.intent:
                continue
            for word in set(map(_normal, other.lookalikes)).intersection(map(_normal, pack.phrases)):
                message = f"phrase {word!r} is a lookalike in {other.source}: it could never match"
                problems.append(PhraseProblem(pack.source, None, message))
    return problems


def load_pack(path: str | Path) -> PhrasePack:
    """Read one phrase file (TOML) into a ``PhrasePack``; raise ``PhraseFileError`` naming file and line.

    The file must give ``intent`` and ``language``; the lists are those of ``PhrasePack``. Every problem is
    reported at once, so a maintainer fixes a file in one pass.
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PhraseFileError([PhraseProblem(source, None, f"cannot read the file: {error}")]) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION_RE.search(str(error))
        line = int(position.group(1)) if position else len(text.splitlines())
        raise PhraseFileError([PhraseProblem(source, line, f"not valid TOML: {error}")]) from error
    lines = _LineFinder(text)
    try:
        pack = PhrasePack.model_validate({**data, "source": source})
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            key = ".".join(str(part) for part in detail["loc"])
            top = str(detail["loc"][0]) if detail["loc"] else ""
            problems.append(PhraseProblem(source, lines.line_of_key(top), f"{key}: {detail['msg']}"))
        raise PhraseFileError(problems) from error
    problems = list(_entry_problems(pack, lines))
    if problems:
        raise PhraseFileError(problems)
    return pack


def builtin_pack_files() -> list[Path]:
    """The phrase files shipped with spasibo, ``<intent>/<language>.toml``, in a stable order."""
    return sorted(BUILTIN_DIR.glob("*/*.toml"))


@cache
def _builtin_packs() -> tuple[PhrasePack, ...]:
    return tuple(load_pack(path) for path in builtin_pack_files())


def builtin_packs() -> list[PhrasePack]:
    """The built-in phrase packs (gratitude in Russian, English and neighbouring languages), read once."""
    return list(_builtin_packs())
