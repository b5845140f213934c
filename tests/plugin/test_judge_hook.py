"""The judge is replaceable through ``spasibo_judge``: a plugin judges what the finder found, the finder and
the rules stay spasibo's; the example ``hooks/spasibo-hosted-judge`` asks a (here local stub) hosted model
only about the candidates the built-in judge is unsure of."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from spasibo import hookimpl
from spasibo.app import Spasibo
from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.linear_judge import LinearJudge
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV, get_plugin_manager
from spasibo.settings import SpasiboSettings

UNSURE = "ну спасибо"
SURE = "Спасибо большое!"


class AlwaysThanks:
    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def spasibo_judge(self, candidate: Candidate) -> Judgement:
        self.asked.append(candidate.text)
        return Judgement(0.99, 0.01, "always")


def app_with(plugin: object | None = None) -> Spasibo:
    pm = get_plugin_manager()
    if plugin is not None:
        pm.register(plugin, name="test-judge")
    return Spasibo(SpasiboSettings(), plugin_manager=pm)


def test_a_plugin_judge_decides_instead_of_the_builtin_model():
    judge = AlwaysThanks()
    verdict = app_with(judge).verdict("ну спасибо, опять перенесли")
    assert (verdict.gratitude, verdict.closing, verdict.judge, verdict.score) == (True, False, "always", 99.0)


def test_a_plugin_judge_is_asked_only_about_candidates_no_hard_rule_vetoed():
    judge = AlwaysThanks()
    app = app_with(judge)
    assert not app.verdict("Адрес какой?").gratitude
    assert app.verdict("даже спасибо не сказали").rule == "ru.negated"
    assert judge.asked == []


def test_without_a_plugin_judge_the_builtin_model_judges():
    assert app_with().verdict(SURE).judge == "linear"


class StubModel(BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubModel.asked.append(body["text"])
        answer = json.dumps({"gratitude": 0.97, "closing": 0.9}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hosted_model(monkeypatch: pytest.MonkeyPatch, example_plugins) -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubModel.asked = []
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "confirmation")  # only the hosted judge among the examples
    monkeypatch.setenv("SPASIBO_HOSTED_JUDGE_URL", f"http://127.0.0.1:{server.server_port}/judge")
    yield StubModel.asked
    server.shutdown()
    server.server_close()


def test_the_hosted_judge_example_asks_only_about_uncertain_thanks(hosted_model):
    app = app_with()
    from spasibo_hosted_judge import band

    low, high = band()
    unsure, sure = LinearJudge()(_candidate(UNSURE)), LinearJudge()(_candidate(SURE))
    assert low <= unsure.gratitude <= high, "pick another UNSURE text: the built-in judge is sure of this one"
    assert not low <= sure.gratitude <= high, "pick another SURE text: the built-in judge is unsure of it"
    verdict = app.verdict(UNSURE)
    assert (verdict.gratitude, verdict.judge, verdict.score) == (True, "hosted", 97.0)
    assert app.verdict(SURE).judge == "linear"
    assert hosted_model == [UNSURE]


def test_the_hosted_judge_examples_band_is_set_by_the_environment(hosted_model, monkeypatch):
    monkeypatch.setenv("SPASIBO_HOSTED_JUDGE_HIGH", "0.5")  # "ну спасибо" scores about 0.68: now outside
    assert app_with().verdict(UNSURE).judge == "linear"
    assert hosted_model == []


def test_the_hosted_judge_example_falls_back_to_the_builtin_judge_when_the_service_is_down(
    hosted_model, monkeypatch
):
    monkeypatch.setenv("SPASIBO_HOSTED_JUDGE_URL", "http://127.0.0.1:9/unreachable")
    assert app_with().verdict(UNSURE).judge == "linear"


def _candidate(text: str) -> Candidate:
    from spasibo.detection import default_detector

    candidate = default_detector().candidate(text)
    assert candidate is not None
    return candidate
