"""A detector that judges with the weights of a model file's content (``make model``'s output), for training's
cross-fitting and for comparing a candidate with the shipped judge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.linear_judge import MODEL_RESOURCE, LinearJudge, LinearModel

MODEL_FILE = Path(__file__).resolve().parent.parent / "plugin" / "spasibo" / MODEL_RESOURCE  # the shipped one


def detector_of(payload: dict[str, Any], gratitude_min_score: float | None = None) -> GratitudeDetector:
    """The built-in finder and rules with the judge ``payload`` holds, at its own default thresholds (or at
    ``gratitude_min_score``)."""
    return GratitudeDetector(
        judge=LinearJudge(LinearModel.from_json(payload)),
        gratitude_min_score=(
            payload["min_scores"]["gratitude"] if gratitude_min_score is None else gratitude_min_score
        ),
        closing_min_score=payload["min_scores"]["closing"],
    )
