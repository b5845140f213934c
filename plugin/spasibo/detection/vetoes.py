"""Veto families: reasons a thanks-like phrase is not thanks here.

Most families are data (``[[vetoes]]`` in the phrase files: sarcasm, negation, reported speech, questions
about thanks, inscriptions); two depend on the text's shape and live here: a phrase inside quotation marks
is someone else's words ("quoted"), and a capitalised Latin word right after a Russian word is a name
("конфет Merci", "надпись Thank you").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spasibo.detection.context import MessageContext
from spasibo.detection.cues import CueSet
from spasibo.detection.matcher import PhraseMatch
from spasibo.detection.normalize import Kind
from spasibo.detection.settings import DetectorSettings
from spasibo.phrases.pack import PhrasePack, VetoPosition, VetoRule, VetoScope

QUOTED = "quoted"
QUESTION = "question"
SARCASM = "sarcasm"
LOOKALIKE = "lookalike"
_SCARE_QUOTE_WINDOW_WORDS = 4
_NO_CUES = CueSet(())


@dataclass(frozen=True)
class CompiledVeto:
    """A veto rule with its cues compiled for lookup."""

    rule: VetoRule
    cues: CueSet
    unless: CueSet


@dataclass(frozen=True)
class VetoHit:
    """A veto that applies to a match: its family and whether it rejects the whole message."""

    family: str
    message_wide: bool


class Vetoes:
    """Every veto rule of every pack, grouped by the intent whose phrases they veto."""

    def __init__(self, packs: Iterable[PhrasePack], settings: DetectorSettings) -> None:
        self._brand_names = settings.latin_brand_names
        self._scare_quotes = settings.scare_quotes_are_sarcasm
        self._by_intent: dict[str, list[CompiledVeto]] = {}
        for pack in packs:
            compiled = [CompiledVeto(rule, CueSet(rule.cues), CueSet(rule.unless)) for rule in pack.vetoes]
            self._by_intent.setdefault(pack.intent, []).extend(compiled)
        # all cues of an intent in one set: a message holding none of them skips the rule loop
        self._any_cue = {
            intent: CueSet(cue for veto in vetoes for cue in veto.rule.cues)
            for intent, vetoes in self._by_intent.items()
        }
        windows = [
            window
            for vetoes in self._by_intent.values()
            for veto in vetoes
            for window in (veto.rule.window, veto.rule.unless_window if veto.rule.unless else 0)
        ]
        self.reach_words = max([_SCARE_QUOTE_WINDOW_WORDS, *windows])  # how far a context walk must see

    def check(self, match: PhraseMatch, context: MessageContext) -> VetoHit | None:
        """The first veto that rejects ``match`` in this message, or None when the phrase stands."""
        if context.quotes and context.quoted(match.span):
            return VetoHit(QUOTED, message_wide=False)
        if context.asked_back(match.last):
            return VetoHit(QUESTION, message_wide=False)
        if self._brand_names and _is_brand_name(match, context):
            return VetoHit(LOOKALIKE, message_wide=False)
        intent = match.phrase.intent
        vetoes = (
            self._by_intent.get(intent, ()) if context.mentions(self._any_cue.get(intent, _NO_CUES)) else ()
        )
        for veto in vetoes:
            rule = veto.rule
            if rule.question_only and not context.ends_with_question(match.last):
                continue
            if not context.mentions(veto.cues):
                continue  # asked once per message: no window of it can hold a cue the message lacks
            if rule.position is VetoPosition.BEFORE:
                words = context.words_before(match.first, rule.window, rule.scope)
            else:
                words = context.words_after(match.last, rule.window, rule.scope)
            if veto.cues.occurs_in(words):
                if rule.unless and veto.unless.occurs_in(
                    context.words_after(match.last, rule.unless_window, VetoScope.MESSAGE)
                ):
                    continue  # warm words after the thanks lift this rule ("ну спасибо, выручили!")
                return VetoHit(rule.family, rule.message_wide)
        if self._scare_quotes and context.scare_quoted_after(match.last, _SCARE_QUOTE_WINDOW_WORDS):
            return VetoHit(SARCASM, message_wide=True)
        return None


def _is_brand_name(match: PhraseMatch, context: MessageContext) -> bool:
    """A Latin phrase written with capitals right after a Russian word ("конфет Merci") names a thing."""
    if not match.phrase.ascii or match.reading != "exact":
        return False
    original = context.text[match.span[0] : match.span[1]]
    if original.islower():
        return False
    previous = context.tokens[match.first - 1] if match.first > 0 else None
    return previous is not None and previous.kind is Kind.WORD and not previous.text.isascii()
