"""Gratitude detection: ``detect(text)`` with the built-in phrases, or a ``GratitudeDetector`` of your own.

    >>> from spasibo.detection import detect
    >>> detect("спасибо за испорченный вечер").reason
    'judge'

The default detector is built on the first call, not at import, and reused afterwards.
"""

from __future__ import annotations

from functools import cache

from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.settings import DetectorSettings
from spasibo.models import Verdict

__all__ = ["Candidate", "DetectorSettings", "GratitudeDetector", "Judgement", "default_detector", "detect"]


@cache
def default_detector() -> GratitudeDetector:
    """The detector built from the built-in phrase packs with default settings, built once."""
    return GratitudeDetector()


def detect(text: str) -> Verdict:
    """The verdict on one message with the built-in phrases: gratitude, closing, score, match and reason."""
    return default_detector().detect(text)
