"""Built-in plugin: the declarative rules of the app's settings (``spasibo.rules.choose_reaction``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from spasibo import rules as declarative_rules
from spasibo.hookspecs import hookimpl
from spasibo.models import IncomingMessage, Verdict
from spasibo.rules import ReactionDecision
from spasibo.settings import RuleSettings


@hookimpl(trylast=True)
def spasibo_choose_reaction(
    message: IncomingMessage,
    verdict: Verdict,
    rules: Sequence[RuleSettings],
    now: datetime,
    transport_names: Collection[str],
) -> ReactionDecision:
    """Apply the rules in file order."""
    return declarative_rules.choose_reaction(message, verdict, rules, now, transport_names)
