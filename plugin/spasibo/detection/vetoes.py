"""Rules: explicit signs that a thanks-like phrase is not thanks here, each with an id.

Most rules are data (``[[vetoes]]`` in the phrase files: negation, promised thanks, questions about
thanks, inscriptions); a few depend on the text's shape and live here: a phrase inside quotation marks is
someone else's words (``quoted``; ``quoted_message`` in a longer quotation, a forwarded message), a phrase
that is itself the question (``asked_back``: "Спасибо? За что?"), a capitalised Latin word right after a
Russian word is a name (``brand_name``: "конфет Merci"), and one lower-case word in quotes after the thanks
mocks it (``scare_quotes``). A *hard* rule vetoes the phrase; a soft one is only a feature of the trained
judge. A pack's rules apply only to messages in its script (a Russian message is never vetoed by English
cues).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spasibo.detection.context import MessageContext
from spasibo.detection.cues import CueSet, CueSets
from spasibo.detection.matcher import PhraseMatch
from spasibo.detection.normalize import WORD
from spasibo.detection.settings import DetectorSettings
from spasibo.phrases.pack import PhrasePack, VetoPosition, VetoRule, VetoScope

QUOTED = "quoted"
QUOTED_MESSAGE = "quoted_message"
ASKED_BACK = "asked_back"
BRAND_NAME = "brand_name"
SCARE_QUOTES = "scare_quotes"
_SCARE_QUOTE_WINDOW_WORDS = 4
_NO_CUES = CueSet(())
CYRILLIC, LATIN, ANY_SCRIPT = "cyrillic", "latin", "any"
# languages written in Cyrillic among the packs spasibo ships or a plugin is likely to add
_CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "kk", "tt", "bg", "sr", "mk", "ky", "ba", "cv", "mn"})
_LATIN_START_RE, _CYRILLIC_START_RE = re.compile(" [a-z]"), re.compile(" [а-я]")
_BEFORE, _MESSAGE_SCOPE = VetoPosition.BEFORE, VetoScope.MESSAGE  # enum members as plain names
_LATIN_LANGUAGES = frozenset({"en", "de", "fr", "uz", "es", "it", "pt", "pl", "tr", "az", "cs", "nl"})


def script_of_language(language: str) -> str:
    """The script a pack's language is written in: ``cyrillic``, ``latin`` or ``any`` (mixed packs)."""
    if language in _CYRILLIC_LANGUAGES:
        return CYRILLIC
    return LATIN if language in _LATIN_LANGUAGES else ANY_SCRIPT


def script_of_words(spaced_words: str) -> str:
    """The script most of the (normalised, lower-case) words start in, given as ``cues.spaced`` joins them
    (so a letter right after a space starts a word); Cyrillic wins a tie, the chats being mostly Russian."""
    if _LATIN_START_RE.search(spaced_words) is None:  # most messages: no word starts with a Latin letter
        return CYRILLIC
    latin, cyrillic = _LATIN_START_RE.findall(spaced_words), _CYRILLIC_START_RE.findall(spaced_words)
    return LATIN if len(latin) > len(cyrillic) else CYRILLIC


@dataclass(frozen=True)
class CompiledVeto:
    """A rule with its cues compiled for lookup, and its id."""

    id: str
    rule: VetoRule
    cues: CueSet
    unless: CueSet


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired on a match: its id, its family (the verdict's ``reason``) and whether it vetoes."""

    id: str
    family: str
    hard: bool
    message_wide: bool = False


_QUOTED_HIT = RuleHit(QUOTED, "reported", hard=False)
_QUOTED_MESSAGE_HIT = RuleHit(QUOTED_MESSAGE, "reported", hard=False)
_QUOTED_NAME_WORDS = 4  # a quotation this short is a name or an inscription; a longer one a forwarded message
_ASKED_BACK_HIT = RuleHit(ASKED_BACK, "question", hard=False)
_BRAND_NAME_HIT = RuleHit(BRAND_NAME, "lookalike", hard=True)
_SCARE_QUOTES_HIT = RuleHit(SCARE_QUOTES, "sarcasm", hard=False)


class Vetoes:
    """Every rule of every pack, grouped by the intent and script whose phrases they apply to."""

    def __init__(self, packs: Iterable[PhrasePack], settings: DetectorSettings) -> None:
        self._brand_names = settings.latin_brand_names
        self._scare_quotes = settings.scare_quotes_are_sarcasm
        # (intent, script) -> rules; script "any" rules apply to every message
        self._rules: dict[tuple[str, str], list[CompiledVeto]] = {}
        for pack in packs:
            script = script_of_language(pack.language)
            compiled = [
                CompiledVeto(
                    rule.id or f"{pack.language}.{rule.family}.{index}",
                    rule,
                    CueSet(rule.cues),
                    CueSet(rule.unless),
                )
                for index, rule in enumerate(pack.vetoes)
            ]
            self._rules.setdefault((pack.intent, script), []).extend(compiled)
        # each intent and script's rule cues, asked in one search which rules the message mentions
        self._cue_sets = {key: CueSets([veto.cues for veto in rules]) for key, rules in self._rules.items()}
        # (intent, script of a message) -> the rule groups that apply, with their cues (``_groups_for``)
        self._groups: dict[tuple[str, str], list[tuple[list[CompiledVeto], CueSets]]] = {}
        windows = [
            window
            for rules in self._rules.values()
            for veto in rules
            for window in (veto.rule.window, veto.rule.unless_window if veto.rule.unless else 0)
        ]
        self.reach_words = max([_SCARE_QUOTE_WINDOW_WORDS, *windows])  # how far a context walk must see

    def rules(self) -> list[CompiledVeto]:
        """Every data rule, in pack order."""
        return [veto for rules in self._rules.values() for veto in rules]

    def hits(self, match: PhraseMatch, context: MessageContext, script: str) -> list[RuleHit]:
        """Every rule that fires on ``match`` in this message (a message in ``script``), hard ones first."""
        found: list[RuleHit] = []
        if context.asked_back(match.last):
            found.append(_ASKED_BACK_HIT)
        # only a phrase in Latin letters can be a brand name (asked here: most are not, and a call costs)
        if self._brand_names and match.phrase.ascii and _is_brand_name(match, context):
            found.append(_BRAND_NAME_HIT)
        groups = self._groups.get((match.phrase.intent, script))
        if groups is None:
            groups = self._groups_for(match.phrase.intent, script)
        for rules, cue_sets in groups:
            # asked once per message: no window of a rule can hold a cue the message lacks
            mentioned = context.mentioned(cue_sets)
            if mentioned:
                found.extend(_data_hits(rules, sorted(mentioned), match, context))
        if context.quotes:
            quoted = context.quote_words(match.span)
            if quoted:  # a short quotation is a name or an inscription, a longer one a forwarded message
                found.append(_QUOTED_HIT if quoted <= _QUOTED_NAME_WORDS else _QUOTED_MESSAGE_HIT)
            if self._scare_quotes and context.scare_quoted_after(match.last, _SCARE_QUOTE_WINDOW_WORDS):
                found.append(_SCARE_QUOTES_HIT)
        if len(found) > 1:
            found.sort(key=lambda hit: not hit.hard)
        return found

    def _groups_for(self, intent: str, script: str) -> list[tuple[list[CompiledVeto], CueSets]]:
        """The rule groups for ``intent``'s phrases in a message in ``script``: the script's own rules, then
        those for any script, each with its cues; worked out once per intent and script."""
        groups = [
            (self._rules[key], self._cue_sets[key])
            for key in ((intent, script), (intent, ANY_SCRIPT))
            if self._rules.get(key)
        ]
        self._groups[intent, script] = groups
        return groups


def _data_hits(
    rules: list[CompiledVeto], mentioned: list[int], match: PhraseMatch, context: MessageContext
) -> Iterable[RuleHit]:
    """The hits of the ``mentioned`` rules (their indices in ``rules``, in order) on ``match``."""
    for index in mentioned:
        veto = rules[index]
        rule = veto.rule
        if rule.question_only and not context.ends_with_question(match.last):
            continue
        if rule.position is _BEFORE:
            words = context.words_before(match.first, rule.window, rule.scope)
        else:
            words = context.words_after(match.last, rule.window, rule.scope)
        if not veto.cues.occurs_in(words):
            continue
        if rule.unless and veto.unless.occurs_in(
            context.words_after(match.last, rule.unless_window, _MESSAGE_SCOPE)
        ):
            continue  # words after the thanks lift this rule
        yield RuleHit(veto.id, rule.family, rule.hard, rule.message_wide)


def _is_brand_name(match: PhraseMatch, context: MessageContext) -> bool:
    """A Latin phrase written with capitals right after a Russian word ("конфет Merci") names a thing (the
    caller asks only for a phrase written in Latin letters)."""
    if match.reading != "exact":
        return False
    original = context.text[match.span[0] : match.span[1]]
    if original.islower():
        return False
    previous = context.tokens[match.first - 1] if match.first > 0 else None
    return previous is not None and previous.kind is WORD and not previous.text.isascii()
