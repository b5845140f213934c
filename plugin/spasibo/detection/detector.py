"""``GratitudeDetector``: the finder finds thanks-like phrases, rules veto the certain cases, the judge
weighs the rest, one ``Verdict`` out.

The finder (phrases, fuzzy matching, normalisation) and the rules are data; the judge is a trained model
(``linear_judge``) or any callable ``Candidate -> Judgement`` given as ``judge``. Packs of any intent may
be given; gratitude wins when a message has both thanks and another intent. Every index and cue list is
compiled when the detector is built, and the judge's model is read on the first candidate, so ``detect``
does no set-up work and a message without a thanks-like phrase never reaches the judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import floor as _floor
from operator import attrgetter
from typing import Any

from pydantic import ValidationError

from spasibo.detection.candidate import Candidate, Judge, Judgement
from spasibo.detection.closing import ClosingJudge
from spasibo.detection.context import MessageContext
from spasibo.detection.linear_judge import CLOSING, LinearJudge, builtin_model
from spasibo.detection.matcher import PhraseMatch, PhraseMatcher
from spasibo.detection.normalize import Kind, Token, tokenize
from spasibo.detection.prefilter import Prefilter
from spasibo.detection.settings import DetectorSettings
from spasibo.detection.vetoes import RuleHit, Vetoes, script_of_words
from spasibo.errors import ConfigError
from spasibo.models import Verdict
from spasibo.phrases.pack import PhrasePack

GRATITUDE = "gratitude"
TRUNCATED = "truncated"
JUDGE_REJECTED = "judge"  # the reason when the judge found the thanks insincere
WEAK_ALONE = "weak"  # only a weak phrase (🙏) of another intent next to a request
# only weak phrases (🙏) in a message that asks or requests: 🙏 means "please" there
_WEAK_WITH_REQUEST = RuleHit("weak_with_request", WEAK_ALONE, hard=True)
_JUDGED_MATCHES = 6  # at most so many phrases of one message are checked by the rules and given to the judge
# verdicts are frozen, so the two "nothing found" answers are built once and shared
_NOTHING = Verdict()
_TRUNCATED_NOTHING = Verdict(truncated=True, reason=TRUNCATED)
_VALIDATE_VERDICT = Verdict.__pydantic_validator__.validate_python
_VERDICT_FIELDS = frozenset(Verdict.model_fields)
_new_object, _set_attribute = object.__new__, object.__setattr__
_IS_WEAK = attrgetter("phrase.weak")  # of a match (in C: a generator left unfinished raises GeneratorExit)


class GratitudeDetector:
    """Detects gratitude (and the intents of any other phrase packs) in one chat message at a time.

    ``packs`` defaults to the built-in phrase files; ``judge`` to the built-in trained model; thresholds
    come from ``settings`` or from keyword arguments with the names of ``DetectorSettings`` fields::

        detector = GratitudeDetector(builtin_packs() + my_packs, min_score=80)
        detector.detect("Спасибо большое!").gratitude   # True
    """

    def __init__(
        self,
        packs: Iterable[PhrasePack] | None = None,
        *,
        settings: DetectorSettings | None = None,
        judge: Judge | None = None,
        **thresholds: Any,
    ) -> None:
        if packs is None:
            from spasibo.phrases.loader import builtin_packs

            packs = builtin_packs()
        self.packs = tuple(packs)
        try:
            base = settings or DetectorSettings()
            self.settings = base.model_validate({**base.model_dump(), **thresholds}) if thresholds else base
        except ValidationError as error:
            names = ", ".join(".".join(map(str, detail["loc"])) for detail in error.errors())
            raise ConfigError(f"invalid detector setting {names}: {error}") from error
        self.judge: Judge = judge if judge is not None else LinearJudge()
        # the built-in judge's probabilities are always within 0–1; another judge's answer is validated
        self._trusted_judge = type(self.judge) is LinearJudge
        self._matcher = PhraseMatcher(self.packs)
        self._prefilter = Prefilter(self._matcher) if self.settings.prefilter else None
        self._vetoes = Vetoes(self.packs, self.settings)
        self._closing = ClosingJudge(self.packs)
        self._min_scores: tuple[float, float] | None = None
        # read per message: a pydantic model's attribute goes through its class's ``__getattr__`` hook first
        self._max_text_chars = self.settings.max_text_chars
        self._min_score = self.settings.min_score

    def detect(self, text: str) -> Verdict:
        """The verdict on one message: gratitude or another intent, closing, score, where, and why.

        Any string is accepted (empty, huge, control characters); texts longer than ``max_text_chars`` are
        read as a head and a tail window and the verdict says ``truncated=True``.
        """
        found = self._find(text)
        if not isinstance(found, tuple):  # the verdict (a pydantic class's isinstance costs more)
            return found
        matches, context, truncated = found
        gratitude = [m for m in matches if m.phrase.intent == GRATITUDE]
        if gratitude:
            candidate = self._candidate(gratitude, context, truncated)
            if isinstance(candidate, Candidate):
                judge = self.judge  # an attribute: ``self.judge(...)`` would look it up as a method, slowly
                verdict = self._judged(candidate, judge(candidate))
            else:
                match, hit = candidate
                verdict = self._verdict(match, truncated, accepted=False, reason=hit.family, rule=hit.id)
            # no phrase of another intent, or thanks (asked second: a pydantic field costs more to read)
            if len(gratitude) == len(matches) or verdict.gratitude:
                return verdict
            others = [m for m in matches if m.phrase.intent != GRATITUDE]
            return self._other_intent(others, context, truncated) or verdict
        return self._other_intent(matches, context, truncated) or self._verdict(
            matches[0], truncated, accepted=False, reason=WEAK_ALONE
        )

    def candidate(self, text: str) -> Candidate | None:
        """What the finder and the rules make of ``text`` for the judge, or None when no thanks-like
        phrase is found or a hard rule vetoes every one (used by training and ``--explain``)."""
        found = self._find(text)
        if not isinstance(found, tuple):  # the verdict (a pydantic class's isinstance costs more)
            return None
        matches, context, truncated = found
        gratitude = [m for m in matches if m.phrase.intent == GRATITUDE]
        candidate = self._candidate(gratitude, context, truncated) if gratitude else None
        return candidate if isinstance(candidate, Candidate) else None

    def rule_hits(self, text: str) -> list[tuple[PhraseMatch, list[RuleHit]]]:
        """Every phrase found in ``text`` with every rule that fires on it (for explanations)."""
        found = self._find(text)
        if not isinstance(found, tuple):  # the verdict (a pydantic class's isinstance costs more)
            return []
        matches, context, _ = found
        script = script_of_words(context.spaced())
        return [(match, self._vetoes.hits(match, context, script)) for match in matches]

    def _find(self, text: str) -> Verdict | tuple[list[PhraseMatch], MessageContext, bool]:
        """The phrases found in ``text`` with their context, or the verdict when there are none."""
        if not isinstance(text, str):  # a host passing None or a number gets a verdict, not a crash
            text = "" if text is None else str(text)
        lowered_runs = None  # what the prefilter read, so the tokenizer need not split the text again
        if self._prefilter is not None and len(text) <= self._max_text_chars:
            lowered_runs = self._prefilter.runs_to_read(text)
            if lowered_runs is None:
                return _NOTHING
        tokens, windows = self._tokens(text, lowered_runs)
        truncated = len(windows) > 1
        found = self._matcher.find(tokens, text, windows)
        min_score = self._min_score
        matches = [m for m in found if m.score >= min_score]
        if not matches:
            return _TRUNCATED_NOTHING if truncated else _NOTHING
        context = MessageContext(text, tokens, self._closing.breakers, self._vetoes.reach_words)
        return matches, context, truncated

    def _candidate(
        self, gratitude: list[PhraseMatch], context: MessageContext, truncated: bool
    ) -> Candidate | tuple[PhraseMatch, RuleHit]:
        """The candidate for the judge, or the match and the hard rule that vetoed the message."""
        script = script_of_words(context.spaced())
        if len(gratitude) > _JUDGED_MATCHES:  # a long message full of thanks: its first and last ones
            half = _JUDGED_MATCHES // 2
            gratitude = [*gratitude[:half], *gratitude[-half:]]
        hits: list[RuleHit] = []
        standing: list[PhraseMatch] = []
        veto: tuple[PhraseMatch, RuleHit] | None = None
        for match in gratitude:
            match_hits = self._vetoes.hits(match, context, script)
            hits.extend(match_hits)
            hard = match_hits[0] if match_hits and match_hits[0].hard else None
            if hard is None:
                standing.append(match)
            elif veto is None or (hard.message_wide and not veto[1].message_wide):
                veto = (match, hard)
        if veto is not None and (veto[1].message_wide or not standing):
            return veto
        outside = context.words_outside(standing)  # asked by both closing rules
        needs_reply = self._closing.needs_reply(context, standing, outside)
        if needs_reply and all(map(_IS_WEAK, standing)):
            return standing[0], _WEAK_WITH_REQUEST
        # what ``Candidate(...)`` builds, with its fields set at once (a frozen dataclass's ``__init__`` sets
        # each through ``object.__setattr__``)
        candidate: Candidate = _new_object(Candidate)
        _set_attribute(
            candidate,
            "__dict__",
            {
                "text": context.text,
                "tokens": context.tokens,
                "matches": tuple(standing),
                "hits": tuple(hits),
                "needs_reply": needs_reply,
                "only_pleasantries": self._closing.only_pleasantries(context, standing, outside),
                "script": script,
                "truncated": truncated,
                "word_positions": context.word_positions,
            },
        )
        return candidate

    def min_scores(self) -> tuple[float, float]:
        """The scores from which a candidate is gratitude and a closing: the settings', else the model's."""
        if self._min_scores is None:
            gratitude, closing = self.settings.gratitude_min_score, self.settings.closing_min_score
            if gratitude is None or closing is None:
                defaults = builtin_model().min_scores
                gratitude = defaults[GRATITUDE] if gratitude is None else gratitude
                closing = defaults[CLOSING] if closing is None else closing
            self._min_scores = (gratitude, closing)
        return self._min_scores

    def _judged(self, candidate: Candidate, judgement: Judgement) -> Verdict:
        gratitude_min, closing_min = self._min_scores or self.min_scores()
        score = round_tenths(100.0 * judgement.gratitude)
        closing_score = round_tenths(100.0 * judgement.closing)
        accepted = score >= gratitude_min and judgement.rule is None
        matches = candidate.matches
        best = matches[0] if len(matches) == 1 else max(matches, key=lambda m: (m.score, -m.first))
        return self._verdict(
            best,
            candidate.truncated,
            accepted=accepted,
            closing=accepted and closing_score >= closing_min,
            score=score,
            closing_score=closing_score,
            reason=None if accepted else JUDGE_REJECTED,
            rule=judgement.rule,
            judge=judgement.judge,
            validate=not self._trusted_judge,
        )

    def _other_intent(
        self, matches: list[PhraseMatch], context: MessageContext, truncated: bool
    ) -> Verdict | None:
        """The verdict for phrases of intents other than gratitude: hard rules veto, the best intent wins.

        A weak phrase counts only when every other word is a pleasantry.
        """
        script = script_of_words(context.spaced())
        accepted = [m for m in matches if not any(h.hard for h in self._vetoes.hits(m, context, script))]
        strong = [m for m in accepted if not m.phrase.weak]
        weak = [m for m in accepted if m.phrase.weak]
        if (
            weak
            and self._closing.only_pleasantries(context, accepted)
            and not self._closing.needs_reply(context, accepted)
        ):
            strong.extend(weak)
        if not strong:
            return None
        best = max(strong, key=lambda m: m.score)
        winners = [m for m in strong if m.phrase.intent == best.phrase.intent]
        closing = not self._closing.needs_reply(context, winners)
        return self._verdict(best, truncated, accepted=True, closing=closing, score=round(best.score, 1))

    def _verdict(
        self,
        match: PhraseMatch,
        truncated: bool,
        *,
        accepted: bool,
        closing: bool = False,
        score: float = 0.0,
        closing_score: float = 0.0,
        reason: str | None = None,
        rule: str | None = None,
        judge: str | None = None,
        validate: bool = False,
    ) -> Verdict:
        intent = match.phrase.intent if accepted else None
        if accepted and truncated:
            reason = TRUNCATED
        fields = {
            "intent": intent,
            "gratitude": intent == GRATITUDE,
            "closing": closing,
            "score": score,
            "match": match.phrase.text,
            "span": match.span,
            "language": match.phrase.language,
            "reason": reason,
            "truncated": truncated,
            "closing_score": closing_score if accepted else 0.0,
            "rule": rule,
            "judge": judge,
        }
        if validate:  # what a judge other than the built-in one answered
            validated: Verdict = _VALIDATE_VERDICT(fields)
            return validated
        # Every value here is already of its field's type and within its bounds (the built-in judge's
        # rounded probabilities × 100, a match's 0–100 score), so the verdict is put together as
        # ``Verdict.model_construct`` does, without validating again: fields in the model's order, all set.
        verdict: Verdict = _new_object(Verdict)
        _set_attribute(verdict, "__dict__", fields)
        _set_attribute(verdict, "__pydantic_fields_set__", set(_VERDICT_FIELDS))
        _set_attribute(verdict, "__pydantic_extra__", None)
        _set_attribute(verdict, "__pydantic_private__", None)
        return verdict

    def _tokens(
        self, text: str, lowered_runs: list[str] | None = None
    ) -> tuple[list[Token], list[tuple[int, int]]]:
        """The message's tokens and the ``[start, end)`` windows they come from: all of a short message,
        the head and tail windows of a long one (``lowered_runs`` as ``tokenize`` takes them, if known)."""
        limit = self._max_text_chars
        if len(text) <= limit:
            return tokenize(text, 0, lowered_runs), [(0, len(text))]
        window = self.settings.window_chars
        head_end = _cut_at_space(text, window, backwards=True)
        tail_start = _cut_at_space(text, len(text) - window, backwards=False)
        gap = Token("\n", head_end, head_end, Kind.END)  # the windows are separate sentences
        tokens = [*tokenize(text[:head_end]), gap, *tokenize(text[tail_start:], offset=tail_start)]
        return tokens, [(0, head_end), (tail_start, len(text))]


def round_tenths(value: float) -> float:
    """``round(value, 1)``, without its conversion to decimal digits and back for a value above 0 up to 1000
    that is not within a hair of a tie.

    Ten times the value, as a float, is within 2⁻⁴⁰ of the exact product there, so when its fraction is
    further than that from one half the nearest whole number to either is the same, ``k``; ``round`` gives
    the float nearest to k/10, and ``k / 10`` is that float (IEEE division is correctly rounded).
    """
    tenfold = value * 10.0
    if 0.0 < value <= 1000.0:  # not -0.0, which keeps its sign
        whole = _floor(tenfold)
        if abs(tenfold - whole - 0.5) > 1e-9:
            return (whole if tenfold - whole < 0.5 else whole + 1) / 10.0
    return round(value, 1)


_SPACE_SEARCH_CHARS = 64  # how far to look for a space so a window does not cut a word in half


def _cut_at_space(text: str, position: int, *, backwards: bool) -> int:
    if backwards:
        space = text.rfind(" ", max(0, position - _SPACE_SEARCH_CHARS), position)
        return space if space > 0 else position
    space = text.find(" ", position, position + _SPACE_SEARCH_CHARS)
    return space + 1 if space >= 0 else position
