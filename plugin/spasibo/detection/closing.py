"""Closing: is a thanks message *only* thanks plus pleasantries, so the host need not answer it?

A message needs a reply when it asks (a question mark), requests or reports something (a reply cue such as
"можно", "пришлите" outside the thanks itself, or a news cue such as "не работает", "адрес" outside the
thanks and what it is for: "спасибо за адрес" needs nothing), or goes on after a clause breaker ("спасибо,
но ...", "спасибо, а ...") with anything but a refusal ("..., но я откажусь" stays a closing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter

from spasibo.detection.context import WORD_KINDS, MessageContext, covered
from spasibo.detection.cues import CueSet, spaced
from spasibo.detection.matcher import PhraseMatch
from spasibo.detection.normalize import EMOJI, END, PUNCT, WORD, Token
from spasibo.phrases.pack import PhrasePack

_TEXT = attrgetter("text")
Outside = tuple[list[int], list[str]]  # the positions and texts of the words outside the matches
_LEAD_IN_WORDS = (
    4  # "хотела бы выразить слова признательности": a request verb this close before thanks introduces it
)
_REASON_GAP_WORDS = 2  # pleasantries between the thanks and its reason: "спасибо вам большое за ..."


class ClosingJudge:
    """Decides whether a message with accepted phrases still needs a text reply; cues from every pack."""

    def __init__(self, packs: Iterable[PhrasePack]) -> None:
        packs = list(packs)
        self.reply_cues = CueSet(cue for pack in packs for cue in (*pack.reply_cues, *pack.lead_ins))
        self.news_cues = CueSet(cue for pack in packs for cue in pack.news_cues)
        self.request_openers = CueSet(cue for pack in packs for cue in pack.request_openers)
        # every reply, news and request cue in one set: most thanks hold none, and one search says so
        self._any_request = CueSet(
            cue
            for pack in packs
            for cue in (*pack.reply_cues, *pack.lead_ins, *pack.news_cues, *pack.request_openers)
        )
        self.refusal_cues = CueSet(cue for pack in packs for cue in pack.refusal_cues)
        # a clause of these alone answers "no" ("спасибо, но нет"); pleasantries may come with it
        self.refusal_answers = CueSet(
            cue for pack in packs for cue in (*pack.refusal_answers, *pack.pleasantries, *pack.lead_ins)
        )
        self.pleasantries = CueSet(cue for pack in packs for cue in (*pack.pleasantries, *pack.lead_ins))
        self.breakers = frozenset(word for pack in packs for word in pack.clause_breakers)
        # "не надо", "не нужно" refuse rather than request
        self.negations = frozenset(word for pack in packs for word in pack.negations)
        # "спасибо за адрес", "спасибо, что решили проблему": what the thanks is for
        self.reason_openers = frozenset(word for pack in packs for word in pack.reason_openers)
        # "спасибо за ответ я перевела": the customer's own news begins
        self.new_subjects = frozenset(word for pack in packs for word in pack.new_subjects)

    def needs_reply(
        self, context: MessageContext, matches: Sequence[PhraseMatch], outside: Outside | None = None
    ) -> bool:
        """True when the message asks, requests or reports something besides the matched phrases
        (``outside``: ``context.words_outside(matches)`` when the caller has it already)."""
        tokens = context.tokens
        # only a sentence end reads "?" (words and marks never do); the tokens come from the text, so a text
        # without one (most thanks) is answered by a search in C
        if "?" in context.text and "?" in map(_TEXT, tokens):
            return True
        positions, words = outside or context.words_outside(matches)
        # no reply, news or request cue at all (most thanks): no word can open one, or the search says so
        if not self._any_request.may_occur_in(words) or not self._any_request.occurs_in(words):
            if self.breakers.isdisjoint(words):
                return False
            return self._continues_after_breaker(
                context, min([match.first for match in matches]), covered(matches)
            )
        joined = spaced(words)
        inside = covered(matches)
        match_starts = sorted([match.first for match in matches])
        # only a phrase that is thanks on its own can be introduced by a cue before it: "хочу сказать
        # спасибо" is the thanks, but "перезвоните мне 🙏" is a plea (the guide: 🙏 by a request is "please")
        opened = [match.first for match in matches if not match.phrase.weak]
        for cues, news in ((self.reply_cues, False), (self.news_cues, True)):
            # most thanks hold no cue at all: one trie search answers that before the ordered search
            if not cues.occurs_in_spaced(joined):
                continue
            reason = self._reasons(context, matches) if news else set()
            for start, end in cues.find_all(words):
                if positions[start] in reason:
                    continue  # "спасибо, что решили проблему" names what the thanks is for
                if start > 0 and words[start - 1] in self.negations:
                    continue
                if self.pleasantries.covers(words[start:end]):
                    continue  # "берегите себя" is a wish, not a request
                cue_end = positions[end - 1]
                if any(_leads_into(context, cue_end, first) for first in opened):
                    continue
                return True
        openers = (
            self.request_openers.find_all(words) if self.request_openers.occurs_in_spaced(joined) else ()
        )
        for start, end in openers:
            if not _starts_clause(tokens, positions[start], inside) or self.pleasantries.covers(
                words[start:end]
            ):
                continue  # mid-clause "о визите" is a noun; "берегите себя" is a wish
            if not any(_leads_into(context, positions[end - 1], first) for first in opened):
                return True  # "..., откройте шлагбаум"; but "примите мою благодарность" is the thanks
        if self.breakers.isdisjoint(words):
            return False  # every word a breaker could be is among these
        return self._continues_after_breaker(context, match_starts[0], inside)

    def _reasons(self, context: MessageContext, matches: Sequence[PhraseMatch]) -> set[int]:
        """Indices of the words saying what a thanks is for: from a "за"/"что" right after the phrase (a
        comma or a pleasantry or two may come between) to the end of the clause or a new subject ("я")."""
        tokens = context.tokens
        reason: set[int] = set()
        for match in matches:
            index, gap = match.last, 0
            while index < len(tokens) and (
                tokens[index].kind is PUNCT
                or (
                    tokens[index].kind is WORD
                    and tokens[index].text not in self.reason_openers
                    and gap < _REASON_GAP_WORDS
                    and self.pleasantries.covers([tokens[index].text])
                )
            ):
                gap += tokens[index].kind is WORD
                index += 1
            if index >= len(tokens) or tokens[index].text not in self.reason_openers:
                continue
            for after in range(index + 1, len(tokens)):
                token = tokens[after]
                if token.kind in (PUNCT, END) or token.text in self.breakers:
                    break
                if token.text in self.new_subjects:
                    break
                reason.add(after)
        return reason

    def _continues_after_breaker(self, context: MessageContext, first_match: int, inside: set[int]) -> bool:
        tokens = context.tokens
        for index in range(first_match, len(tokens)):
            token = tokens[index]
            if index in inside or token.kind is not WORD or token.text not in self.breakers:
                continue
            if not _starts_clause(tokens, index, inside):
                continue  # "теперь только к вам": "только" here means "only", not "but"
            if not (tokens[index - 1].kind is END or _sentence_has(tokens, index, inside)):
                continue  # "..., а тут с первого раза попадание" in a story sentence without thanks
            clause = _rest_of_sentence(context, index + 1)
            if clause and self.refusal_cues.find(clause) is None and not self.refusal_answers.covers(clause):
                return True
        return False

    def only_pleasantries(
        self, context: MessageContext, matches: Sequence[PhraseMatch], outside: Outside | None = None
    ) -> bool:
        """True when every word outside the matches is a pleasantry ("ок", "до встречи"); emoji are fine
        (``outside`` as for ``needs_reply``)."""
        positions, words = outside or context.words_outside(matches)
        if context.has_emoji:
            tokens = context.tokens
            words = [word for at, word in zip(positions, words, strict=True) if tokens[at].kind is not EMOJI]
        return self.pleasantries.covers(words)


def _starts_clause(tokens: Sequence[Token], index: int, inside: set[int]) -> bool:
    """True when the word at ``index`` opens a clause: after punctuation or right after a matched phrase."""
    return index == 0 or tokens[index - 1].kind in (PUNCT, END) or index - 1 in inside


def _sentence_has(tokens: Sequence[Token], index: int, inside: set[int]) -> bool:
    """True when the sentence holding token ``index`` has a matched phrase before it."""
    for before in range(index - 1, -1, -1):
        if before in inside:
            return True
        if tokens[before].kind is END:
            return False
    return False


def _leads_into(context: MessageContext, cue_end: int, first: int) -> bool:
    """True when the cue opens the thanks itself ("хочу сказать спасибо"): a few words before it, no mark
    in between (a comma makes "подскажите адрес, заранее спасибо" a request followed by thanks)."""
    between = context.tokens[cue_end + 1 : first]
    if cue_end >= first or any(token.kind in (PUNCT, END) for token in between):
        return False
    return sum(1 for token in between if token.kind in WORD_KINDS) < _LEAD_IN_WORDS


def _rest_of_sentence(context: MessageContext, start: int) -> list[str]:
    words: list[str] = []
    for token in context.tokens[start:]:
        if token.kind is END:
            break
        if token.kind in WORD_KINDS:
            words.append(token.text)
    return words
