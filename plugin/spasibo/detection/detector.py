"""``GratitudeDetector``: phrases found, vetoes applied, closing judged, one ``Verdict`` out.

Packs of any intent may be given; gratitude wins when a message has both thanks and another intent. Every
index and cue list is compiled when the detector is built, so ``detect`` does no set-up work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from spasibo.detection.closing import ClosingJudge
from spasibo.detection.context import MessageContext
from spasibo.detection.matcher import PhraseMatch, PhraseMatcher
from spasibo.detection.normalize import Kind, Token, tokenize
from spasibo.detection.prefilter import Prefilter
from spasibo.detection.settings import DetectorSettings
from spasibo.detection.vetoes import Vetoes, VetoHit
from spasibo.errors import ConfigError
from spasibo.models import Verdict
from spasibo.phrases.pack import PhrasePack

GRATITUDE = "gratitude"
TRUNCATED = "truncated"
WEAK_ALONE = "weak"  # only a weak phrase (🙏) next to a request: it means "please"
# verdicts are frozen, so the two "nothing found" answers are built once and shared
_NOTHING = Verdict()
_TRUNCATED_NOTHING = Verdict(truncated=True, reason=TRUNCATED)
_VALIDATE_VERDICT = Verdict.__pydantic_validator__.validate_python


class GratitudeDetector:
    """Detects gratitude (and the intents of any other phrase packs) in one chat message at a time.

    ``packs`` defaults to the built-in phrase files; thresholds come from ``settings`` or from keyword
    arguments with the names of ``DetectorSettings`` fields::

        detector = GratitudeDetector(builtin_packs() + my_packs, min_score=80)
        detector.detect("Спасибо большое!").gratitude   # True
    """

    def __init__(
        self,
        packs: Iterable[PhrasePack] | None = None,
        *,
        settings: DetectorSettings | None = None,
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
        self._matcher = PhraseMatcher(self.packs)
        self._prefilter = Prefilter(self._matcher.anchor_words()) if self.settings.prefilter else None
        self._vetoes = Vetoes(self.packs, self.settings)
        self._closing = ClosingJudge(self.packs)

    def detect(self, text: str) -> Verdict:
        """The verdict on one message: gratitude or another intent, closing, score, where, and any veto.

        Any string is accepted (empty, huge, control characters); texts longer than ``max_text_chars`` are
        read as a head and a tail window and the verdict says ``truncated=True``.
        """
        if not isinstance(text, str):  # a host passing None or a number gets a verdict, not a crash
            text = "" if text is None else str(text)
        short = len(text) <= self.settings.max_text_chars
        if short and self._prefilter is not None and not self._prefilter.may_match(text):
            return _NOTHING
        tokens, windows = self._tokens(text)
        truncated = len(windows) > 1
        found = self._matcher.find(tokens, text, windows)
        matches = [m for m in found if m.score >= self.settings.min_score]
        if not matches:
            return _TRUNCATED_NOTHING if truncated else _NOTHING
        context = MessageContext(text, tokens, self._closing.breakers, self._vetoes.reach_words)
        vetoed: dict[int, VetoHit] = {}
        wide = False  # a message-wide veto (sarcasm) rejects every thanks in the message, checked or not
        for index, match in enumerate(matches):
            if wide and match.phrase.intent == GRATITUDE:
                continue
            hit = self._vetoes.check(match, context)
            if hit is not None:
                vetoed[index] = hit
                wide = wide or hit.message_wide
        accepted = matches
        if vetoed:
            accepted = [
                m
                for i, m in enumerate(matches)
                if i not in vetoed and not (wide and m.phrase.intent == GRATITUDE)
            ]
        winners = self._winning_matches(accepted, context)
        if not winners:
            # point at the phrase that decided it: a message-wide veto first, else the first veto
            deciding = [i for i, hit in vetoed.items() if hit.message_wide] or sorted(vetoed)
            if deciding:
                index = deciding[0]
                return self._verdict(matches[index], truncated, reason=vetoed[index].family, accepted=False)
            return self._verdict(matches[0], truncated, reason=WEAK_ALONE, accepted=False)
        closing = not self._closing.needs_reply(context, winners)
        best = winners[0] if len(winners) == 1 else max(winners, key=lambda m: (m.score, -m.first))
        return self._verdict(best, truncated, closing=closing, accepted=True)

    def _winning_matches(self, accepted: list[PhraseMatch], context: MessageContext) -> list[PhraseMatch]:
        """The accepted matches of the winning intent: gratitude first, else the best-scoring other one.

        A weak phrase (🙏, which also means "please") counts only when every other word is a pleasantry.
        """
        if len(accepted) == 1 and not accepted[0].phrase.weak:
            return accepted  # the common case: one phrase, and it is the winner whatever its intent
        strong = [m for m in accepted if not m.phrase.weak]
        weak = [m for m in accepted if m.phrase.weak]
        if (
            weak
            and self._closing.only_pleasantries(context, accepted)
            and not self._closing.needs_reply(context, accepted)
        ):
            strong.extend(weak)
        if not strong:
            return []
        gratitude = [m for m in strong if m.phrase.intent == GRATITUDE]
        if gratitude:
            return gratitude
        best = max(strong, key=lambda m: m.score)
        return [m for m in strong if m.phrase.intent == best.phrase.intent]

    def _verdict(
        self,
        match: PhraseMatch,
        truncated: bool,
        *,
        accepted: bool,
        closing: bool = False,
        reason: str | None = None,
    ) -> Verdict:
        intent = match.phrase.intent if accepted else None
        if accepted and truncated:
            reason = TRUNCATED
        # the model's own validator on a dict: the same validation as Verdict(...), without the wrappers
        verdict: Verdict = _VALIDATE_VERDICT(
            {
                "intent": intent,
                "gratitude": intent == GRATITUDE,
                "closing": closing,
                "score": round(match.score, 1) if accepted else 0.0,
                "match": match.phrase.text,
                "span": match.span,
                "language": match.phrase.language,
                "reason": reason,
                "truncated": truncated,
            }
        )
        return verdict

    def _tokens(self, text: str) -> tuple[list[Token], list[tuple[int, int]]]:
        """The message's tokens and the ``[start, end)`` windows they come from: all of a short message,
        the head and tail windows of a long one."""
        limit = self.settings.max_text_chars
        if len(text) <= limit:
            return tokenize(text), [(0, len(text))]
        window = self.settings.window_chars
        head_end = _cut_at_space(text, window, backwards=True)
        tail_start = _cut_at_space(text, len(text) - window, backwards=False)
        gap = Token("\n", head_end, head_end, Kind.END)  # the windows are separate sentences
        tokens = [*tokenize(text[:head_end]), gap, *tokenize(text[tail_start:], offset=tail_start)]
        return tokens, [(0, head_end), (tail_start, len(text))]


_SPACE_SEARCH_CHARS = 64  # how far to look for a space so a window does not cut a word in half


def _cut_at_space(text: str, position: int, *, backwards: bool) -> int:
    if backwards:
        space = text.rfind(" ", max(0, position - _SPACE_SEARCH_CHARS), position)
        return space if space > 0 else position
    space = text.find(" ", position, position + _SPACE_SEARCH_CHARS)
    return space + 1 if space >= 0 else position
