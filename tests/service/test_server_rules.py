"""``spasibo serve --rules``: the service runs the app's rules on inbound messages and reports the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.support import running_service
from spasibo.testing.webhooks import WebhookReceiver

CUSTOMER = "79001234567@s.whatsapp.net"
RULES = """
[[rules]]
intent = "gratitude"
react = "❤️"
reply = false
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "spasibo.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def with_rules(receiver: WebhookReceiver, rules_file: Path):
    return running_service(
        rules_path=rules_file,
        webhook_url=receiver.url,
        webhook_secret=receiver.secret,
        webhook_backoff_base_s=0.01,
        webhook_backoff_max_s=0.05,
    )


async def test_thanks_gets_a_heart_from_the_service_and_the_event_says_no_reply_needed(rules_file) -> None:
    async with WebhookReceiver() as receiver, with_rules(receiver, rules_file) as service:
        client = service.factory.latest["default"]
        await client.incoming_text("Спасибо большое!", chat=CUSTOMER, message_id="3AR001")
        await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert event["outcome"]["intent"] == "gratitude"
    assert (event["outcome"]["reacted"], event["outcome"]["emoji"], event["outcome"]["replyNeeded"]) == (
        True,
        "❤️",
        False,
    )
    [(chat, reaction)] = client.sent
    assert (chat.User, reaction.reactionMessage.key.ID, reaction.reactionMessage.text) == (
        "79001234567",
        "3AR001",
        "❤️",
    )


async def test_a_question_gets_no_reaction_and_the_event_says_a_reply_is_needed(rules_file) -> None:
    async with WebhookReceiver() as receiver, with_rules(receiver, rules_file) as service:
        client = service.factory.latest["default"]
        await client.incoming_text("Когда будет доставка?", chat=CUSTOMER, message_id="3AR002")
        await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert (event["outcome"]["reacted"], event["outcome"]["replyNeeded"]) == (False, True)
    assert client.sent == []


async def test_without_rules_the_event_carries_no_outcome_and_nothing_is_sent() -> None:
    async with WebhookReceiver() as receiver:
        settings = {"webhook_url": receiver.url, "webhook_secret": receiver.secret}
        async with running_service(**settings) as service:
            client = service.factory.latest["default"]
            await client.incoming_text("Спасибо!", chat=CUSTOMER, message_id="3AR003")
            await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert event["outcome"] is None
    assert client.sent == []


def test_serve_with_a_bad_rules_file_stops_at_once_naming_the_key(tmp_path: Path, capsys) -> None:
    from spasibo.cli import main

    bad = tmp_path / "spasibo.toml"
    bad.write_text('[[rules]]\nreact = "love"\n', encoding="utf-8")
    assert main(["serve", "--fake-whatsapp", "--rules", str(bad)]) == 2
    assert "rules[0].react" in capsys.readouterr().err
