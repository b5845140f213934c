"""Prometheus metrics of one app: its own registry, so two apps in one process never share counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from spasibo.whatsapp.breaker import BreakerState
from spasibo.whatsapp.pool import SessionPool
from spasibo.whatsapp.session import SessionState

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)


class ServiceMetrics:
    """Reactions, errors, rate-limited, latency; sessions and breakers by state read at scrape time."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.reactions = Counter(
            "spasibo_reactions", "Reactions answered 200, by outcome", ["outcome"], registry=self.registry
        )
        self.errors = Counter(
            "spasibo_reaction_errors",
            "Reaction requests answered with an error, by code",
            ["code"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "spasibo_rate_limited",
            "Reaction requests refused by the per-customer limit",
            registry=self.registry,
        )
        self.latency = Histogram(
            "spasibo_reaction_latency_seconds",
            "Time to answer POST /reaction",
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "spasibo_reactions_in_flight", "POST /reaction requests being answered", registry=self.registry
        )
        # inbound events and their webhook delivery
        self.events_published = Counter(
            "spasibo_events_published",
            "Inbound events queued for delivery, by type",
            ["type"],
            registry=self.registry,
        )
        self.events_dropped = Counter(
            "spasibo_events_dropped",
            "Inbound events never delivered, by reason: queue_full, shutdown (in memory), redis_unreachable",
            ["reason"],
            registry=self.registry,
        )
        self.events_delivered = Counter(
            "spasibo_events_delivered", "Events the webhook accepted", registry=self.registry
        )
        self.webhook_failures = Counter(
            "spasibo_webhook_failures",
            "Failed webhook attempts, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "spasibo_events_dead_lettered",
            "Events given up on after the last attempt",
            registry=self.registry,
        )
        self.delivery_delay = Histogram(
            "spasibo_event_delivery_delay_seconds",
            "Time from queueing an event to its webhook accepting it",
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.sessions = Gauge("spasibo_sessions", "Sessions by state", ["state"], registry=self.registry)
        self.breakers = Gauge(
            "spasibo_breakers", "Circuit breakers by state", ["state"], registry=self.registry
        )
        self.connects = Gauge(
            "spasibo_whatsapp_connects",
            "neonize connects since start; each holds a database handle until the process ends",
            registry=self.registry,
        )
        self.reconnects = Gauge(
            "spasibo_whatsapp_reconnects", "Reconnects tried since start", registry=self.registry
        )
        self.unreachable = Gauge(
            "spasibo_whatsapp_unreachable",
            "Reconnects not tried since start because WhatsApp was unreachable (nothing leaked)",
            registry=self.registry,
        )

    def render(self, pool: SessionPool) -> bytes:
        """The text exposition format, with the session and breaker gauges read from ``pool`` now."""
        stats = pool.stats()
        for state in SessionState:
            self.sessions.labels(state.value).set(stats.sessions_by_state.get(state.value, 0))
        for breaker in BreakerState:
            self.breakers.labels(breaker.value).set(stats.breakers_by_state.get(breaker.value, 0))
        self.connects.set(stats.connects)
        self.reconnects.set(stats.reconnects)
        self.unreachable.set(stats.unreachable)
        return generate_latest(self.registry)
