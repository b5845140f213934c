"""The inbound half of the service: what the sessions receive becomes events for the bot.

``InboundGateway`` is the pool's listener. A customer's message first goes through the server-side rules
when ``spasibo serve --rules`` gave some (detect → rules → ❤️ through the pool), and its event then carries
the outcome; a reaction a customer sent and a session that ended for good become events as they are. Every
event goes to the outbox: the Redis Stream when Redis is configured, else the bounded in-memory queue.
"""

from __future__ import annotations

import logging

from spasibo.app import Spasibo
from spasibo.models import IncomingMessage, IncomingReaction, Outcome
from spasibo.service.events import message_event, reaction_event, terminal_event
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.outbox import MemoryOutbox, Outbox
from spasibo.service.settings import ServiceSettings
from spasibo.service.webhooks import WebhookSender, WebhookTargets
from spasibo.whatsapp.pool import SessionPool
from spasibo.whatsapp.stats import SessionInfo

log = logging.getLogger(__name__)


class InboundGateway:
    """Publishes the pool's inbound messages, reactions and terminal sessions to ``outbox``."""

    def __init__(self, outbox: Outbox, rules_app: Spasibo | None = None) -> None:
        self.outbox = outbox
        self.rules_app = rules_app

    def attach(self, pool: SessionPool) -> None:
        """Make this gateway the pool's listener."""
        pool.listen(
            on_message=self.on_message,
            on_reaction=self.on_reaction,
            on_session_terminal=self.on_session_terminal,
        )

    async def on_message(self, message: IncomingMessage) -> None:
        """Run the server-side rules (if any) on ``message``, then publish its event with the outcome."""
        outcome: Outcome | None = None
        if self.rules_app is not None:
            outcome = await self.rules_app.feed(message)
        await self.outbox.publish(message_event(message, outcome))

    async def on_reaction(self, reaction: IncomingReaction) -> None:
        """Tell the rules app's plugins (if any), then publish the reaction's event."""
        if self.rules_app is not None:
            await self.rules_app.feed_reaction(reaction)
        await self.outbox.publish(reaction_event(reaction))

    async def close(self, deadline_s: float) -> None:
        """Stop delivering (events in hand get ``deadline_s``) and close the rules app's transports."""
        try:
            await self.outbox.stop(deadline_s)
        finally:
            if self.rules_app is not None:
                await self.rules_app.aclose()

    async def on_session_terminal(self, info: SessionInfo) -> None:
        """Publish a ``session.terminal`` event, so the operator learns of it by webhook."""
        await self.outbox.publish(terminal_event(info))


def build_gateway(settings: ServiceSettings, pool: SessionPool, metrics: ServiceMetrics) -> InboundGateway:
    """The gateway listening to ``pool``: its outbox and, with ``settings.rules_path``, the rules app that
    sends its reactions through ``pool``.
    """
    rules_app = None
    if settings.rules_path is not None:
        from spasibo.whatsapp.transport import WhatsAppTransport

        rules_app = Spasibo.from_toml(settings.rules_path)
        rules_app.use_transport(WhatsAppTransport(pool))
    gateway = InboundGateway(build_outbox(settings, metrics), rules_app)
    gateway.attach(pool)
    return gateway


def build_outbox(settings: ServiceSettings, metrics: ServiceMetrics) -> Outbox:
    """The outbox the settings ask for, with a webhook sender when a webhook URL is configured."""
    targets = WebhookTargets(
        settings.webhook_url,
        settings.webhook_urls,
        secret=settings.webhook_secret,
        secrets=settings.webhook_secrets,
    )
    sender = None
    if targets.any:
        sender = WebhookSender(
            targets,
            metrics=metrics,
            timeout_s=settings.webhook_timeout_s,
            max_attempts=settings.webhook_max_attempts,
            backoff_base_s=settings.webhook_backoff_base_s,
            backoff_max_s=settings.webhook_backoff_max_s,
            concurrency=settings.webhook_concurrency,
        )
    if settings.redis_url:
        from spasibo.service.streams import RedisOutbox

        return RedisOutbox(
            settings.redis_url,
            prefix=settings.redis_key_prefix,
            consumer=settings.instance_id,
            sender=sender,
            metrics=metrics,
            concurrency=settings.webhook_concurrency,
            claim_idle_s=settings.events_claim_idle_s,
            stream_max_len=settings.events_stream_max_len,
            dead_letters_max=settings.dead_letters_max,
        )
    return MemoryOutbox(
        sender,
        metrics,
        queue_size=settings.events_queue_size,
        concurrency=settings.webhook_concurrency,
        dead_letters_max=settings.dead_letters_max,
    )
