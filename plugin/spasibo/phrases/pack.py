"""The shape of a phrase pack: everything the detector knows about one intent in one language.

A pack is plain data. Built-in packs are TOML files next to this module (``<intent>/<language>.toml``);
plugins hand the detector ``PhrasePack`` objects built however they like. Every list holds short strings
written in lower case; a word ending in ``*`` in a cue matches any word with that beginning.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class VetoPosition(StrEnum):
    """Where a veto cue must sit relative to the matched phrase."""

    BEFORE = "before"  # the cue ends at most ``window`` words before the phrase
    AFTER = "after"  # the cue starts at most ``window`` words after the phrase


class VetoScope(StrEnum):
    """How far a veto window may reach before a boundary stops it."""

    PHRASE = "phrase"  # stops at any punctuation mark or emoji (a comma separates "не надо, спасибо")
    CLAUSE = "clause"  # stops at the end of a sentence or at a clause breaker ("но", "только")
    SENTENCE = "sentence"  # stops at the end of a sentence (. ! ? or a line break)
    MESSAGE = "message"  # never stops: a story's complaint sentences colour the thanks that ends it


class VetoRule(BaseModel):
    """One rule: a matched phrase with one of these cues nearby is probably (``hard``: certainly) not thanks.

    ``id`` names the rule in verdicts and explanations (``ru.not_said``); without one it is
    ``<language>.<family>.<index>``. A ``hard`` rule vetoes the phrase outright; a soft one (``hard = false``)
    is only a feature the trained judge weighs. ``family`` is what the verdict's ``reason`` reports when the
    rule decides (``negation``, ``reported``, ``question``...).
    ``message_wide`` makes the veto reject every phrase in the message (an angry message gets no heart even
    when it also says thanks elsewhere). ``question_only`` makes it apply only in a sentence ending with "?".
    ``unless`` cues among the words after the phrase (up to ``unless_window``, message-wide) lift this one
    rule: "ну спасибо, выручили!" is warm although "ну спасибо, опять перенесли" is not.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str | None = Field(default=None, min_length=1, pattern=r"^[a-z0-9_.]+$")
    hard: bool = True
    family: str = Field(min_length=1)
    position: VetoPosition
    window: int = Field(default=3, ge=0, le=50)
    scope: VetoScope = VetoScope.SENTENCE
    cues: tuple[str, ...]
    message_wide: bool = False
    question_only: bool = False
    unless: tuple[str, ...] = ()
    unless_window: int = Field(default=12, ge=0, le=50)


class PhrasePack(BaseModel):
    """Phrases of one intent in one language, with the cues that veto them and the cues that need a reply.

    ``phrases`` express the intent ("спасибо", "от души"); ``weak_phrases`` (emoji such as 🙏) count only in
    a message that otherwise needs no reply, since 🙏 also means "please". ``lookalikes`` are words that
    resemble a phrase but never mean it (Спасская, благодаря). ``pleasantries`` ("ок", "до встречи") may
    surround a weak phrase. ``reply_cues`` mark a message that still needs a text reply (a request, a
    question), and so do ``news_cues`` (news the bot must act on: "оплатила", "адрес", "проблема") except
    inside what the thanks is for ("спасибо, что решили проблему"), and a clause opening with one of
    ``request_openers`` (imperative endings such as "*ите"); ``lead_ins`` ("хочу поделиться",
    "передайте ей") read as reply cues that win over a shorter one ("хочу") and are then excused as
    pleasantries; ``refusal_cues`` keep a "спасибо, но я
    откажусь" a closing, and so does a clause made only of ``refusal_answers`` and pleasantries ("спасибо,
    но нет", where "но нет ссылки" still needs a reply); ``clause_breakers`` ("но", "только") start a new
    clause. For the closing check also: ``negations`` ("не": "не надо" refuses rather than requests),
    ``reason_openers`` ("за", "что": what follows says what the thanks is for) and ``new_subjects`` ("я":
    the customer's own news begins). ``source`` names the file or plugin it came from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: str = Field(min_length=1)
    language: str = Field(min_length=1)
    source: str = "<memory>"
    phrases: tuple[str, ...] = ()
    weak_phrases: tuple[str, ...] = ()
    lookalikes: tuple[str, ...] = ()
    pleasantries: tuple[str, ...] = ()
    reply_cues: tuple[str, ...] = ()
    lead_ins: tuple[str, ...] = ()
    news_cues: tuple[str, ...] = ()
    request_openers: tuple[str, ...] = ()
    refusal_cues: tuple[str, ...] = ()
    refusal_answers: tuple[str, ...] = ()
    clause_breakers: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()
    reason_openers: tuple[str, ...] = ()
    new_subjects: tuple[str, ...] = ()
    vetoes: tuple[VetoRule, ...] = ()
