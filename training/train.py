"""``make model``: rebuild the judge's weights from ``training/data`` deterministically.

1. The finder and the rules turn every labelled line into a candidate (lines with no thanks-like phrase,
   or vetoed by a hard rule, never reach the judge and are not training examples).
2. Features (``spasibo.detection.features``) seen at least ``MIN_COUNT`` times in the training split form
   the vocabulary; two L2 logistic regressions are fitted: gratitude on every candidate, closing on the
   candidates that are thanks.
3. The regularisation of each head (``C``, and how much the many character n-grams weigh against the
   words: ``CHAR_SCALES``) is chosen on the validation split (held-out writers and goemo ids:
   ``training/split.toml``) by log loss; Platt scaling is fitted on the validation raw scores, so scores
   are calibrated on writers the weights never saw. The default ``min_score`` of gratitude is the highest
   whose validation F1 is within ``SLACK`` of the best, of closing the highest whose accuracy is (precision
   first for both).
4. Weights below ``PRUNE`` are dropped, the rest rounded, and ``plugin/spasibo/data/judge.json`` written
   with sorted keys; validation figures go to ``training/report.json``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from spasibo.detection.candidate import Candidate
from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.features import FeatureConfig, all_features, candidate_features
from spasibo.detection.linear_judge import LinearJudge, LinearModel
from training.corpora import ROOT, Line, load_split
from training.evaluate import Figures, evaluate

MODEL_FILE = ROOT.parent / "plugin" / "spasibo" / "data" / "judge.json"
REPORT_FILE = ROOT / "report.json"
MIN_COUNT = 2
C_GRID = (0.1, 0.3, 1.0)
CHAR_SCALES = (0.1, 0.2)  # a character n-gram column holds this instead of 1; its weight is scaled back
PRUNE = 0.01
DIGITS = 4
SLACK = 0.01
CONFIG = FeatureConfig()


def candidates(lines: Sequence[Line], detector: GratitudeDetector) -> list[tuple[Line, Candidate]]:
    """The lines the judge would see, each with its candidate."""
    found = ((line, detector.candidate(line.text)) for line in lines)
    return [(line, candidate) for line, candidate in found if candidate is not None]


def matrix(rows: Sequence[list[str]], vocabulary: dict[str, int]) -> csr_matrix:
    """A sparse matrix of how often each row holds each vocabulary feature."""
    indptr, indices, data = [0], [], []
    for row in rows:
        counts = Counter(vocabulary[f] for f in row if f in vocabulary)
        for index in sorted(counts):
            indices.append(index)
            data.append(float(counts[index]))
        indptr.append(len(indices))
    return csr_matrix((np.array(data), indices, indptr), shape=(len(rows), len(vocabulary)))


@dataclass(frozen=True)
class FittedHead:
    """A fitted head: its weights per feature name (scaled back), bias, validation raw scores, choices."""

    weights: np.ndarray
    bias: float
    raw_validation: np.ndarray
    c: float
    char_scale: float
    losses: dict[str, float]


def fit_head(
    names: list[str], x_train: csr_matrix, y_train: np.ndarray, x_val: csr_matrix, y_val: np.ndarray
) -> FittedHead:
    """The head with the regularisation of least validation log loss over ``C_GRID`` × ``CHAR_SCALES``."""
    is_char = np.array([name.startswith("c:") for name in names])
    losses: dict[str, float] = {}
    best: tuple[float, FittedHead] | None = None
    for scale in CHAR_SCALES:
        columns = diags(np.where(is_char, scale, 1.0))
        train, val = x_train @ columns, x_val @ columns
        for c in C_GRID:
            model = LogisticRegression(C=c, max_iter=5000, solver="lbfgs").fit(train, y_train)
            loss = float(log_loss(y_val, model.predict_proba(val)[:, 1], labels=[0, 1]))
            losses[f"C={c} char_scale={scale}"] = round(loss, 4)
            if best is None or loss < best[0]:
                weights = model.coef_[0] * np.where(is_char, scale, 1.0)
                bias = float(model.intercept_[0])
                best = (loss, FittedHead(weights, bias, model.decision_function(val), c, scale, {}))
    assert best is not None
    chosen = best[1]
    return FittedHead(chosen.weights, chosen.bias, chosen.raw_validation, chosen.c, chosen.char_scale, losses)


def platt(raw: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt scaling of raw scores: ``a`` and ``b`` of ``sigmoid(a·raw + b)``."""
    if len(set(labels.tolist())) < 2:
        return 1.0, 0.0
    scaler = LogisticRegression(C=1e4, max_iter=5000, solver="lbfgs").fit(raw.reshape(-1, 1), labels)
    return float(scaler.coef_[0][0]), float(scaler.intercept_[0])


def head_json(head: FittedHead, names: list[str], scaling: tuple[float, float]) -> dict[str, Any]:
    """One head as stored: bias, pruned and rounded weights, Platt parameters."""
    weights = {
        name: round(float(w), DIGITS) for name, w in zip(names, head.weights, strict=True) if abs(w) >= PRUNE
    }
    return {
        "bias": round(head.bias, DIGITS),
        "platt": [round(scaling[0], DIGITS), round(scaling[1], DIGITS)],
        "weights": dict(sorted(weights.items())),
    }


def best_min_score(probabilities: np.ndarray, labels: np.ndarray, *, accuracy: bool) -> float:
    """The whole-number threshold chosen on validation: the highest whose accuracy (or F1) is within
    ``SLACK`` of the best one. Precision first: a ❤️ on a complaint, or no reply to a question, costs more
    than a missed ❤️ or an answered thanks."""
    qualities: list[tuple[int, float]] = []
    for threshold in range(5, 100):
        said = probabilities * 100 >= threshold
        if accuracy:
            quality = float(np.mean(said == labels.astype(bool)))
        else:
            tp = float(np.sum(said & (labels == 1)))
            precision = tp / max(1.0, float(np.sum(said)))
            recall = tp / max(1.0, float(np.sum(labels == 1)))
            quality = 2 * precision * recall / max(1e-9, precision + recall)
        qualities.append((threshold, quality))
    top = max(quality for _, quality in qualities)
    return float(max(threshold for threshold, quality in qualities if quality >= top - SLACK))


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    """The model file's content and the validation report."""
    split = load_split()
    finder = GratitudeDetector()
    train = candidates(split.train, finder)
    validation = candidates(split.validation, finder)
    train_rows = [all_features(candidate_features(c, CONFIG), CONFIG) for _, c in train]
    val_rows = [all_features(candidate_features(c, CONFIG), CONFIG) for _, c in validation]
    counts = Counter(f for row in train_rows for f in set(row))
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    vocabulary = {name: index for index, name in enumerate(names)}
    x_train, x_val = matrix(train_rows, vocabulary), matrix(val_rows, vocabulary)
    heads: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    min_scores: dict[str, float] = {}
    for head, pick in (("gratitude", lambda line: True), ("closing", lambda line: line.thanks)):
        label = (lambda line: line.thanks) if head == "gratitude" else (lambda line: line.closing)
        train_mask = np.array([pick(line) for line, _ in train])
        val_mask = np.array([pick(line) for line, _ in validation])
        y_train = np.array([int(label(line)) for line, _ in train])[train_mask]
        y_val = np.array([int(label(line)) for line, _ in validation])[val_mask]
        fitted = fit_head(names, x_train[train_mask], y_train, x_val[val_mask], y_val)
        raw = fitted.raw_validation
        scaling = platt(raw, y_val)
        heads[head] = head_json(fitted, names, scaling)
        probabilities = 1 / (1 + np.exp(-(scaling[0] * raw + scaling[1])))
        min_scores[head] = best_min_score(probabilities, y_val, accuracy=head == "closing")
        chosen[head] = {
            "C": fitted.c,
            "char_scale": fitted.char_scale,
            "validation_log_loss": fitted.losses,
            "weights_kept": len(heads[head]["weights"]),
        }
    payload = {
        "format": 1,
        "features": {
            "char_min": CONFIG.char_min,
            "char_max": CONFIG.char_max,
            "word_window": CONFIG.word_window,
        },
        "min_scores": min_scores,
        "meta": {
            "train_lines": len(split.train),
            "validation_lines": len(split.validation),
            "train_candidates": len(train),
            "validation_candidates": len(validation),
            "vocabulary": len(names),
            "chosen": chosen,
        },
        "heads": heads,
    }
    model = LinearModel.from_json(payload)
    detector = GratitudeDetector(
        judge=LinearJudge(model),
        gratitude_min_score=min_scores["gratitude"],
        closing_min_score=min_scores["closing"],
    )
    report = validation_report(split.validation, detector)
    return payload, report


def validation_report(lines: Sequence[Line], detector: GratitudeDetector) -> dict[str, Any]:
    """Figures on the validation split, by source and altogether."""
    by_source: dict[str, list[Line]] = {}
    for line in lines:
        by_source.setdefault(line.source, []).append(line)
    results: dict[str, Figures] = {
        source: evaluate(group, detector.detect) for source, group in sorted(by_source.items())
    }
    results["all validation"] = evaluate(lines, detector.detect)
    return {
        name: {
            "lines": f.lines,
            "precision": round(f.precision, 3),
            "recall": round(f.recall, 3),
            "f1": round(f.f1, 3),
            "closing_accuracy": round(f.closing_accuracy, 3),
            "ece_gratitude": round(f.ece_gratitude, 3),
            "ece_closing": round(f.ece_closing, 3),
            "categories": {k: round(v, 3) for k, v in f.categories.items()},
            "curve": [{k: round(v, 3) for k, v in point.items()} for point in f.curve],
        }
        for name, f in results.items()
    }


def dump(payload: dict[str, Any]) -> str:
    """The exact text written for a JSON payload (so a test can compare bytes)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the model, write the model file and the report, print the validation figures."""
    args = list(sys.argv[1:] if argv is None else argv)
    model_file = Path(args[0]) if args else MODEL_FILE
    payload, report = build()
    model_file.write_text(dump(payload), encoding="utf-8")
    REPORT_FILE.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(payload["meta"], indent=1))
    print("min_scores", payload["min_scores"])
    for name, figures in report.items():
        print(
            f"{name:32} n={figures['lines']:5} P {figures['precision']:.3f} R {figures['recall']:.3f} "
            f"F1 {figures['f1']:.3f} closing {figures['closing_accuracy']:.3f} "
            f"ECE {figures['ece_gratitude']:.3f}/{figures['ece_closing']:.3f}"
        )
    print(f"wrote {model_file} ({model_file.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
