"""Built-in plugin: the fuzzy phrase-list detector over the registered packs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from spasibo.hookspecs import hookimpl
from spasibo.models import IncomingMessage, Verdict

if TYPE_CHECKING:
    from spasibo.detection import GratitudeDetector
    from spasibo.phrases import PhrasePack


class DetectorPlugin:
    """Builds one ``GratitudeDetector`` per pack list and reuses it while the app passes the same list."""

    def __init__(self) -> None:
        self._packs: Sequence[PhrasePack] | None = None
        self._detector: GratitudeDetector | None = None

    @hookimpl(trylast=True)
    def spasibo_detect(self, message: IncomingMessage, packs: Sequence[PhrasePack]) -> Verdict:
        """Judge ``message.text`` with the fuzzy detector."""
        if self._detector is None or packs is not self._packs:
            from spasibo.detection import GratitudeDetector

            self._detector = GratitudeDetector(packs)
            self._packs = packs
        return self._detector.detect(message.text)
