"""Scoring a detector on a labelled corpus (the TSV format of ``gratitude_dev.tsv``).

Each line is ``text<TAB>thanks<TAB>closing<TAB>category``; ``\\n`` in a text is a line break. Used by
``spasibo eval``, by the quality test and by anyone tuning phrase files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spasibo.errors import ConfigError
from spasibo.models import Verdict

_COLUMNS = ("text", "thanks", "closing", "category")


@dataclass(frozen=True)
class LabelledMessage:
    """One corpus line: the message, its two labels, its category, and where it came from."""

    text: str
    thanks: bool
    closing: bool
    category: str
    line: int


@dataclass(frozen=True)
class Miss:
    """A message the detector got wrong, with what it said."""

    message: LabelledMessage
    verdict: Verdict


@dataclass
class Scores:
    """Precision/recall/F1 of ``gratitude``, closing accuracy among true thanks, accuracy per category."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    closing_right: int = 0
    closing_total: int = 0
    per_category: dict[str, list[int]] = field(default_factory=dict)  # category -> [right, total]
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of messages called thanks that are thanks."""
        called = self.true_positive + self.false_positive
        return self.true_positive / called if called else 1.0

    @property
    def recall(self) -> float:
        """Share of thanks messages the detector found."""
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def closing_accuracy(self) -> float:
        """Among true thanks, the share whose closing flag the detector got right."""
        return self.closing_right / self.closing_total if self.closing_total else 1.0

    def category_accuracy(self) -> dict[str, float]:
        """Per category, the share of messages judged right (thanks and, for thanks, closing)."""
        return {name: right / total for name, (right, total) in sorted(self.per_category.items())}


def read_corpus(path: str | Path) -> list[LabelledMessage]:
    """Read a labelled TSV file; raise ``ConfigError`` naming the file and line of a malformed row."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the corpus: {error}") from error
    messages: list[LabelledMessage] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and line.split("\t")[:2] == ["text", "thanks"]):
            continue
        columns = line.split("\t")
        if len(columns) != len(_COLUMNS):
            raise ConfigError(f"{path}:{number}: expected {len(_COLUMNS)} tab-separated columns {_COLUMNS}")
        text, thanks, closing, category = columns
        if thanks not in ("0", "1") or closing not in ("0", "1"):
            raise ConfigError(
                f"{path}:{number}: thanks and closing must be 0 or 1, got {thanks!r}, {closing!r}"
            )
        text = text.replace("\\n", "\n")
        messages.append(LabelledMessage(text, thanks == "1", closing == "1", category, number))
    return messages


def score(messages: Iterable[LabelledMessage], judge: Callable[[str], Verdict]) -> Scores:
    """Run ``judge`` on every message and count what it got right."""
    return score_verdicts((message, judge(message.text)) for message in messages)


def score_verdicts(judged: Iterable[tuple[LabelledMessage, Verdict]]) -> Scores:
    """Count what verdicts already given (each with the message it was given for) got right."""
    scores = Scores()
    for message, verdict in judged:
        said = verdict.gratitude
        right = said == message.thanks
        if message.thanks:
            scores.closing_total += 1
            closing_right = said and verdict.closing == message.closing
            scores.closing_right += closing_right
            right = right and closing_right
        if said and message.thanks:
            scores.true_positive += 1
        elif said:
            scores.false_positive += 1
        elif message.thanks:
            scores.false_negative += 1
        else:
            scores.true_negative += 1
        tally = scores.per_category.setdefault(message.category, [0, 0])
        tally[0] += right
        tally[1] += 1
        if not right:
            scores.misses.append(Miss(message, verdict))
    return scores
