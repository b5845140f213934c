"""Built-in plugin: the finder and the trained judge over the registered packs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from spasibo.hookspecs import hookimpl
from spasibo.models import IncomingMessage, Verdict

if TYPE_CHECKING:
    from spasibo.detection import GratitudeDetector
    from spasibo.detection.candidate import Candidate, Judge, Judgement
    from spasibo.detection.linear_judge import LinearJudge
    from spasibo.phrases import PhrasePack


class DetectorPlugin:
    """Builds one ``GratitudeDetector`` per pack list and judge, and reuses it while the app passes the same;
    judges candidates with the built-in linear model when no other plugin does."""

    def __init__(self) -> None:
        self._packs: Sequence[PhrasePack] | None = None
        self._judge: Judge | None = None
        self._detector: GratitudeDetector | None = None
        self._linear: LinearJudge | None = None

    @hookimpl(trylast=True)
    def spasibo_detect(self, message: IncomingMessage, packs: Sequence[PhrasePack], judge: Judge) -> Verdict:
        """Judge ``message.text`` with the finder, the rules and ``judge`` (the ``spasibo_judge`` hook)."""
        if self._detector is None or packs is not self._packs or judge != self._judge:
            from spasibo.detection import GratitudeDetector

            self._detector = GratitudeDetector(packs, judge=judge)
            self._packs, self._judge = packs, judge
        return self._detector.detect(message.text)

    @hookimpl(trylast=True)
    def spasibo_judge(self, candidate: Candidate) -> Judgement:
        """The built-in trained judge (its model is read on the first candidate)."""
        if self._linear is None:
            from spasibo.detection.linear_judge import LinearJudge

            self._linear = LinearJudge()
        return self._linear(candidate)
