"""spasibo plugin: ask a hosted model only about the thanks the built-in judge is unsure of.

It implements ``spasibo_judge``. The built-in linear judge scores every candidate first (a few microseconds);
when its gratitude probability lies between ``SPASIBO_HOSTED_JUDGE_LOW`` (default 0.4) and
``SPASIBO_HOSTED_JUDGE_HIGH`` (default 0.95), the text goes to the service at ``SPASIBO_HOSTED_JUDGE_URL`` as
``POST {"text": "..."}``, which answers ``{"gratitude": 0.93, "closing": 0.4}`` (probabilities 0–1). The
finder and the rules stay spasibo's: the service only ever sees messages with a thanks-like phrase that no
hard rule vetoed. Without the URL, or when the service fails, times out (``SPASIBO_HOSTED_JUDGE_TIMEOUT_S``,
default 2) or answers nonsense, the plugin returns the built-in judgement.

The default band is where the built-in judge's mistakes lie (``python -m training.band``, on blind files it
was not trained on): its threshold is 0.76, and the insincere thanks it hearts mostly score 0.8–0.95, so a
band around 0.5 would miss them. 0.4–0.95 asks about a quarter of the candidates and holds about four
mistakes in five (docs/plugins.md has the figures).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Any

from spasibo import hookimpl
from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.linear_judge import LinearJudge

URL_ENV = "SPASIBO_HOSTED_JUDGE_URL"
LOW_ENV, HIGH_ENV, TIMEOUT_ENV = (
    "SPASIBO_HOSTED_JUDGE_LOW",
    "SPASIBO_HOSTED_JUDGE_HIGH",
    "SPASIBO_HOSTED_JUDGE_TIMEOUT_S",
)
DEFAULT_LOW, DEFAULT_HIGH = 0.4, 0.95
JUDGE_NAME = "hosted"
logger = logging.getLogger("spasibo_hosted_judge")
_builtin = LinearJudge()


def _probability(answer: dict[str, Any], key: str) -> float:
    value = answer[key]
    if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{key!r} must be a probability between 0 and 1, got {value!r}")
    return float(value)


def band() -> tuple[float, float]:
    """The gratitude probabilities (inclusive) about which the hosted model is asked."""
    return (
        float(os.environ.get(LOW_ENV, str(DEFAULT_LOW))),
        float(os.environ.get(HIGH_ENV, str(DEFAULT_HIGH))),
    )


def ask(url: str, text: str, timeout_s: float) -> Judgement:
    """The hosted model's judgement of one text; raises on any failure."""
    request = urllib.request.Request(
        url, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        answer = json.loads(response.read())
    return Judgement(_probability(answer, "gratitude"), _probability(answer, "closing"), JUDGE_NAME)


@hookimpl
def spasibo_judge(candidate: Candidate) -> Judgement | None:
    """The built-in judgement, or the hosted model's when the built-in one is unsure."""
    url = os.environ.get(URL_ENV)
    if not url:
        return None  # not configured: the built-in judge decides
    judgement = _builtin(candidate)
    low, high = band()
    if not low <= judgement.gratitude <= high:
        return judgement
    try:
        return ask(url, candidate.text, float(os.environ.get(TIMEOUT_ENV, "2")))
    except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as error:
        logger.warning("hosted judge failed (%s); the built-in judge decides", error)
        return judgement
