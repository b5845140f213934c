"""Gratitude detection: ``detect(text)`` with the built-in phrases, or a ``GratitudeDetector`` of your own.

    >>> from spasibo.detect import detect
    >>> detect("спасибо за испорченный вечер").reason
    'sarcasm'

The default detector is built on the first call, not at import, and reused afterwards.
"""

from __future__ import annotations

import sys
import types
from functools import cache

from spasibo.detect.detector import GratitudeDetector
from spasibo.detect.settings import DetectorSettings
from spasibo.models import Verdict

__all__ = ["DetectorSettings", "GratitudeDetector", "default_detector", "detect"]


@cache
def default_detector() -> GratitudeDetector:
    """The detector built from the built-in phrase packs with default settings, built once."""
    return GratitudeDetector()


def detect(text: str) -> Verdict:
    """The verdict on one message with the built-in phrases: gratitude, closing, score, match and reason."""
    return default_detector().detect(text)


class _CallableModule(types.ModuleType):
    """This package, callable as ``detect(text)``.

    ``spasibo.detect`` names both this package and the function users call as ``from spasibo import detect``.
    Once the package is imported, Python sets the attribute ``spasibo.detect`` to the package, so that import
    would hand out the package; making the package callable keeps ``detect(text)`` working either way.
    """

    def __call__(self, text: str) -> Verdict:
        return detect(text)


sys.modules[__name__].__class__ = _CallableModule
