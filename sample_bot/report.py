"""What the bot prints about each outcome: the reaction (or why none) and whether it answers with text."""

from __future__ import annotations

from spasibo.models import Outcome


def describe(outcome: Outcome, answer: str) -> list[str]:
    """Two lines for a person watching the bot: what spasibo did, and the bot's text answer if needed."""
    verdict = outcome.verdict
    if outcome.reacted and outcome.reaction is not None:
        status = f"reacted {outcome.reaction.emoji} ({verdict.intent}, score {verdict.score:.0f})"
    elif outcome.sending and outcome.reaction is not None:
        status = f"reacting {outcome.reaction.emoji} ({verdict.intent}, score {verdict.score:.0f})"
    else:
        why = outcome.skipped.value if outcome.skipped else "no reaction"
        detail = outcome.error or verdict.reason
        status = f"no reaction ({why}{': ' + detail if detail else ''})"
    reply = f"bot replies: {answer}" if outcome.reply_needed else "no reply needed"
    return [f"  · {status}", f"  · {reply}"]
