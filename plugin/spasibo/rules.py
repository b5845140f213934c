"""The declarative rules: from a message and its verdict to a reaction, or the reason for none.

Rules are tried in file order; the first rule for the verdict's intent whose conditions all pass decides. When
rules exist for the intent but none passes, the first one's failed condition is the reason. Conditions, in
this order: the bot's own message (``skip_own_messages``), a group chat (``skip_groups``), the message's age
(``max_age_s``) and the detector's score (``min_score``). The per-chat cooldown needs memory across messages,
so the app applies it after this choice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, model_validator

from spasibo.models import IncomingMessage, ReactionRequest, SkipReason, Verdict
from spasibo.settings import RuleSettings

GRATITUDE = "gratitude"


class ReactionDecision(BaseModel):
    """What ``spasibo_choose_reaction`` decided: a reaction ``request`` or a ``skipped`` reason (exactly one).

    ``rule`` is the rule that decided (``None`` when no rule covers the intent); ``reply_needed`` is False
    only for a closing thanks under a rule with ``reply = false``; ``detail`` says what failed, for logs.
    """

    model_config = ConfigDict(frozen=True)

    request: ReactionRequest | None = None
    skipped: SkipReason | None = None
    rule: RuleSettings | None = None
    reply_needed: bool = True
    detail: str | None = None

    @model_validator(mode="after")
    def _request_or_reason(self) -> ReactionDecision:
        if (self.request is None) == (self.skipped is None):
            raise ValueError(
                "a ReactionDecision has either a request or a skipped reason, not both or neither"
            )
        return self


def detected_intent(verdict: Verdict) -> str | None:
    """The intent a rule can act on: ``None`` when nothing was found or gratitude was vetoed."""
    if verdict.intent == GRATITUDE:
        return GRATITUDE if verdict.gratitude else None
    return verdict.intent


def failed_condition(
    rule: RuleSettings, message: IncomingMessage, verdict: Verdict, now: datetime
) -> tuple[SkipReason, str] | None:
    """The first condition of ``rule`` that ``message`` fails, with an explanation; ``None`` if all pass."""
    if rule.skip_own_messages and message.from_me:
        return SkipReason.OWN_MESSAGE, "the bot's own message"
    if rule.skip_groups and message.is_group:
        return SkipReason.GROUP, "a group chat"
    age_s = (now - message.sent_at).total_seconds()
    if age_s > rule.max_age_s:
        return SkipReason.TOO_OLD, f"sent {age_s:.0f} s ago, max_age_s is {rule.max_age_s:g}"
    if verdict.score < rule.min_score:
        return SkipReason.LOW_SCORE, f"score {verdict.score:g} < min_score {rule.min_score:g}"
    return None


def pick_transport(
    rule: RuleSettings, message: IncomingMessage, transport_names: Collection[str]
) -> str | None:
    """The rule's transport; by default the one named like the message's platform, else the rule's
    ``fallback_transport``; ``None`` when nothing reaches the platform (never a silent switch to the console).
    """
    if rule.transport is not None:
        return rule.transport
    if message.platform in transport_names:
        return message.platform
    return rule.fallback_transport


def choose_reaction(
    message: IncomingMessage,
    verdict: Verdict,
    rules: Sequence[RuleSettings],
    now: datetime,
    transport_names: Collection[str],
) -> ReactionDecision:
    """Apply ``rules`` to a judged message (see the module docstring for the order of conditions)."""
    intent = detected_intent(verdict)
    if intent is None:
        return ReactionDecision(skipped=SkipReason.NOT_DETECTED, detail=verdict.reason)
    candidates = [rule for rule in rules if rule.intent == intent]
    if not candidates:
        return ReactionDecision(skipped=SkipReason.NO_RULE, detail=f"no rule for intent {intent!r}")
    first_failure: tuple[SkipReason, str] | None = None
    for rule in candidates:
        failure = failed_condition(rule, message, verdict, now)
        if failure is None:
            transport = pick_transport(rule, message, transport_names)
            if transport is None:
                return ReactionDecision(
                    skipped=SkipReason.NO_TRANSPORT,
                    rule=rule,
                    reply_needed=_reply_needed(rule, verdict),
                    detail=f"no transport reaches platform {message.platform!r} and the rule sets no "
                    "fallback_transport",
                )
            request = ReactionRequest(message=message, emoji=rule.react, transport=transport, rule=rule.label)
            return ReactionDecision(request=request, rule=rule, reply_needed=_reply_needed(rule, verdict))
        first_failure = first_failure or failure
    reason, detail = first_failure or (SkipReason.NO_RULE, "")
    return ReactionDecision(
        skipped=reason, rule=candidates[0], reply_needed=_reply_needed(candidates[0], verdict), detail=detail
    )


def _reply_needed(rule: RuleSettings, verdict: Verdict) -> bool:
    return not (verdict.closing and not rule.reply)
