"""An outage seen through the service: /sessions and /metrics show the session offline, then connected."""

from __future__ import annotations

from service.support import running_service
from spasibo.testing.whatsapp import ManualClock, settle
from spasibo.whatsapp import PoolSettings

SLOW_TICKS = 250  # more slow retries than the 200 connects after which a session used to be made terminal


def metric(text: str, name: str) -> float:
    [value] = [line.rsplit(" ", 1)[1] for line in text.splitlines() if line.startswith(name + " ")]
    return float(value)


async def test_an_outage_shows_in_sessions_and_metrics_and_heals_when_the_network_returns() -> None:
    clock = ManualClock()
    settings = PoolSettings()
    async with running_service(clock=clock) as service:
        await clock.advance(settings.stable_connection_s)
        service.factory.network.up = False
        service.factory.latest["default"].disconnect_event()
        await settle()
        most = 1 + settings.reconnect_jitter_ratio
        fast_s = sum(settings.reconnect_base_delay_s * 2**i for i in range(settings.reconnect_max_attempts))
        await clock.advance(fast_s * most)
        await clock.advance(SLOW_TICKS * settings.offline_retry_interval_s * most)

        [session] = (await service.client.get("/sessions")).json()["sessions"]
        assert (session["state"], session["terminalReason"], session["connects"]) == ("offline", None, 1)
        assert session["reconnectAttempt"] > SLOW_TICKS
        assert "WhatsApp unreachable" in session["lastError"]
        metrics = (await service.client.get("/metrics")).text
        assert metric(metrics, 'spasibo_sessions{state="offline"}') == 1
        assert metric(metrics, "spasibo_whatsapp_unreachable") > SLOW_TICKS
        assert metric(metrics, "spasibo_whatsapp_connects") == 1
        assert (await service.react()).status_code == 503

        service.factory.network.up = True
        await clock.advance(settings.offline_retry_interval_s * most)
        [session] = (await service.client.get("/sessions")).json()["sessions"]
        assert (session["state"], session["connects"], session["lastError"]) == ("connected", 2, None)
        metrics = (await service.client.get("/metrics")).text
        assert metric(metrics, 'spasibo_sessions{state="connected"}') == 1
        assert metric(metrics, "spasibo_whatsapp_reconnects") == 1
        assert (await service.react()).status_code == 200
