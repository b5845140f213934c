"""The contract between the finder and the judge: what was found in a message, and what the judge says.

The finder (phrases, fuzzy matching, normalisation) turns a message into a ``Candidate`` when it holds a
thanks-like phrase; a judge turns a candidate into a ``Judgement``: the probability that the message is
sincere gratitude and the probability that it needs no reply. Any callable ``Candidate -> Judgement`` is a
judge; plugins provide one through the ``spasibo_judge`` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spasibo.detection.matcher import PhraseMatch
from spasibo.detection.normalize import Token
from spasibo.detection.vetoes import RuleHit


@dataclass(frozen=True)
class Candidate:
    """A message with thanks-like phrases in it, as the finder saw it.

    ``matches`` are the gratitude phrases no hard rule vetoed (longest first in reading order); ``hits``
    every rule that fired on any phrase, soft or hard; ``needs_reply`` what the closing rules say (a
    question, a request, news after the thanks); ``only_pleasantries`` that every other word is "ок", "до
    встречи" and the like; ``script`` the message's main script (``cyrillic`` or ``latin``);
    ``word_positions`` the indices in ``tokens`` of its words (every token but marks), when the finder has
    them at hand (None: read from ``tokens`` when asked).
    """

    text: str
    tokens: Sequence[Token]
    matches: Sequence[PhraseMatch]
    hits: Sequence[RuleHit]
    needs_reply: bool
    only_pleasantries: bool
    script: str
    truncated: bool = False
    word_positions: Sequence[int] | None = None


@dataclass(frozen=True)
class Judgement:
    """A judge's answer: probabilities (0–1) of sincere gratitude and, if so, of needing no reply.

    ``judge`` names who decided (``linear`` for the built-in model); ``rule`` the id of a hard rule that
    decided instead of a model, if one did.
    """

    gratitude: float
    closing: float
    judge: str
    rule: str | None = None


Judge = Callable[[Candidate], Judgement]
