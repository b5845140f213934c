"""Fixtures of the detection tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SMALL_DAY = (
    "text\tthanks\tclosing\tcategory\nСпасибо большое!\t1\t1\tpure_ru\n"
    "ну спасибо, опять перенесли\t0\t0\tsarcasm\nзапишите на 15:00\t0\t0\tneutral\n"
)


@pytest.fixture
def small_day(tmp_path: Path) -> Callable[[str], Path]:
    """Writes a three-line labelled day (a thanks, a sarcastic one, a booking) under the file name given."""

    def write(name: str) -> Path:
        path = tmp_path / name
        path.write_text(SMALL_DAY, encoding="utf-8")
        return path

    return write
