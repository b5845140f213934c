"""The detector's tunable thresholds, with defaults that work for chat messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DetectorSettings(BaseModel):
    """Thresholds of ``GratitudeDetector``; pass an instance or the same names as keyword arguments.

    ``max_text_chars``: longer texts are read as a head and a tail window of ``window_chars`` each (thanks
    sits at the start or the end of a long message), and the verdict says ``truncated=True``.
    ``min_score``: a phrase read with so many typos that its score falls below this does not count.
    ``gratitude_min_score`` / ``closing_min_score``: the judge's calibrated score (0–100) from which a
    candidate is gratitude / a closing; ``None`` takes the defaults chosen on validation and stored with the
    model (precision first: a ❤️ on a complaint costs more than a missed one).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # chat messages are rarely longer; a longer one is a story whose thanks sits at its start or end
    max_text_chars: int = Field(default=2048, ge=16)
    window_chars: int = Field(default=512, ge=8)
    min_score: float = Field(default=70.0, ge=0.0, le=100.0)
    gratitude_min_score: float | None = Field(default=None, ge=0.0, le=100.0)
    closing_min_score: float | None = Field(default=None, ge=0.0, le=100.0)
    prefilter: bool = True  # skip texts no phrase can be in after one regular-expression search
    scare_quotes_are_sarcasm: bool = True  # «вежливого» in lower case right after thanks mocks it
    latin_brand_names: bool = True  # "конфет Merci": a capitalised Latin word after a Russian word is a name
