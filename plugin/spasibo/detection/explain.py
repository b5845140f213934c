"""Why a verdict came out as it did, in a few lines for a maintainer (``spasibo detect --explain TEXT``):
the verdict, every phrase the finder found with every rule that fired on it, the judge's two scores
against their thresholds, how the built-in judge shares the chance that it is not thanks among its reasons
(sarcasm, negated, other), and the features that pushed it most."""

from __future__ import annotations

from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.linear_judge import LinearJudge

TOP_FEATURES = 8


def explain(text: str, detector: GratitudeDetector) -> str:
    """A readable explanation of the verdict on ``text``."""
    verdict = detector.detect(text)
    lines = [
        f"text: {text!r}",
        f"verdict: gratitude={verdict.gratitude} closing={verdict.closing} score={verdict.score:g} "
        f"closing_score={verdict.closing_score:g} reason={verdict.reason} rule={verdict.rule} "
        f"judge={verdict.judge}",
    ]
    found = detector.rule_hits(text)
    if not found:
        lines.append("phrases: none found (the judge is not asked)")
        return "\n".join(lines)
    lines.append("phrases:")
    for match, hits in found:
        start, end = match.span
        rules = ", ".join(f"{hit.id} ({'hard' if hit.hard else 'soft'})" for hit in hits) or "none"
        lines.append(
            f"  {text[start:end]!r} [{start}:{end}] = {match.phrase.text!r} ({match.phrase.intent}, "
            f"{match.phrase.language}, read {match.reading}, score {match.score:g}); rules: {rules}"
        )
    candidate = detector.candidate(text)
    judge = detector.judge
    if candidate is None:
        lines.append("judge: not asked (a hard rule decided)")
        return "\n".join(lines)
    gratitude_min, closing_min = detector.min_scores()
    judgement = judge(candidate)
    lines.append(
        f"judge {judgement.judge}: gratitude {100 * judgement.gratitude:.1f} (min {gratitude_min:g}), "
        f"closing {100 * judgement.closing:.1f} (min {closing_min:g})"
    )
    if isinstance(judge, LinearJudge):
        if len(judge.model.reasons) > 1:
            shares = ", ".join(
                f"{reason} {share:.2f}" for reason, share in judge.reason_shares(candidate).items()
            )
            lines.append(f"  if not thanks, why: {shares}")
        for head, pushes in judge.explain(candidate, TOP_FEATURES).items():
            listed = ", ".join(f"{feature} {weight:+.2f}" for feature, weight in pushes)
            lines.append(f"  pushing {head}: {listed}")
    return "\n".join(lines)
