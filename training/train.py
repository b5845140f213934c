"""``make model``: rebuild the judge's weights from ``training/data`` deterministically.

1. The finder and the rules turn every labelled line into a candidate (lines with no thanks-like phrase,
   or vetoed by a hard rule, never reach the judge and are not training examples).
2. Features (``spasibo.detection.features``) seen at least ``MIN_COUNT`` times form the vocabulary; each head
   is an L2 logistic regression: gratitude on every candidate, multinomial over sincere and each of
   ``REASONS`` a line is not thanks (from its category: sarcasm, negated, any other), scored as the log odds
   of sincere against them all; closing, binary, on the candidates that are thanks. The reasons let each
   kind of insincere thanks have its own cues, where one binary head had to find a single direction for
   irony, negation and the rest together.
   In training only, every line also carries its source file (``source:<file>``): a bias per writer absorbs
   how much sarcasm that writer chose to write (a third of a forum writer's thanks-like lines, an eighth of
   real Reddit comments), so the words learn what tells sincere from insincere within a writer rather than
   which writer's style comes with more sarcasm. Runtime never sees a source; the shipped model drops
   those weights and judges every message as from an unknown writer, as cross-fitting does. Every fit
   also weighs each column by how consistently its feature points one way across that fit's own source
   files (``consistency_scale``, the writer-consistency prior): cues many writers share weigh more.
3. Each head's regularisation (``C_GRID`` × ``CHAR_SCALES``: how much the many character n-grams weigh
   against the words) is chosen by log loss on the validation split of ``training/split.toml`` (whole
   held-out writer files and a goemo slice by id), fitting on the rest.
4. Cross-fitting: every source file is scored by a model fitted on all the other files, each from a cold
   start (a fold warm-started from the fit on every line stops near it, having seen the held-out file: on
   t3_day accuracy 1.000 against 0.929 cold), ``FIT_PROCESSES`` fits at a time (each is independent and on
   one BLAS thread, so the result does not depend on how many run together); Platt scaling and the default
   thresholds are fitted on those out-of-writer scores, gratitude's Platt scaling on the sources written at
   real proportions only (``REAL_KINDS``), so a score is the probability on real traffic, where about one
   thanks-like message in eight is insincere, not on the hard cases writers were asked for. Closing: the
   most accurate threshold. Gratitude, precision first on traffic that looks like real traffic: the highest
   threshold whose F1 on the sources written at real proportions (``REAL_KINDS`` of ``training/split.toml``)
   pooled is within ``SLACK`` of their best, raised if need be until each kind of ``PRECISION_FLOORS``
   pooled reaches its precision, then further while each kind of ``RECALL_FLOORS`` keeps its recall, and
   not above ``MAX_MIN_SCORE``.
   The figures of each file judged that way, and of each kind pooled by threshold, go to
   ``training/report.json``.
5. The shipped weights are fitted on every line, pruned below ``PRUNE`` (each reason's and closing's apart),
   rounded to ``DIGITS`` decimals, and written to ``plugin/spasibo/data/judge.json`` with sorted keys, laid
   out as the runtime reads them (``linear_judge.weights_json``: each weight a whole number of
   ``10**-DIGITS``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, diags
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from threadpoolctl import threadpool_limits

from spasibo.detection.candidate import Candidate
from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.evaluation import Scores
from spasibo.detection.features import FeatureConfig, all_features, candidate_features
from spasibo.detection.linear_judge import CLOSING, FORMAT, GRATITUDE, weights_json
from spasibo.models import Verdict
from training.corpora import GOEMO, ROOT, Line, load_split
from training.evaluate import Figures, evaluate_verdicts
from training.judges import MODEL_FILE, detector_of

REPORT_FILE = ROOT / "report.json"
MIN_COUNT = 2
C_GRID = (0.3, 1.0)
CHAR_SCALES = (0.1, 0.2)  # a character n-gram column holds this instead of 1; its weight is scaled back
# The style of a message (its length, where the phrase stands, how many phrases, its script, its punctuation
# and ends) weighs this much: a stronger L2 on what tells one writer from another rather than sincere from
# insincere (long punctuated messages were mostly the writers' complaints, on Reddit they are mostly thanks)
STYLE_SCALE = 0.3
STYLE_PREFIXES = ("len:", "pos:", "n:", "script:")
PLACEHOLDERS = ("w:<T>", "w:<W>", "w:<N>")
PRUNE = 0.01
# the reasons a thanks-like line is not thanks, each a class of the gratitude head: a line's category when it
# is one of these, else the last
REASONS = ("sarcasm", "negated", "other")
FIT_PROCESSES = 2  # the cross-fitting folds are fitted this many at a time
# The writer-consistency prior: each column but the sources weighs (1 − β) + β · c / mean(c), c how
# consistently the feature points one way across the fit's source files (``consistency_scale``); β is fixed
CONSISTENCY_BETA = 0.5
SOURCE = "source:"  # the training-only feature naming a line's file
DIGITS = 4
# how far below the best out-of-writer quality the chosen threshold may be, to lean towards precision:
# gratitude leans (a ❤️ on a complaint costs more than a missed one), closing takes its most accurate
# threshold (leaning there made the blind writers' closing accuracy 0.02–0.06 worse, for too few
# unanswered questions saved)
SLACK = {"gratitude": 0.005, "closing": 0.0}
# The default gratitude threshold is chosen on the sources written at real proportions (``REAL_KINDS`` of
# ``training/split.toml``: the realistic days, comment threads, reviews and chats whose writers were asked for
# real traffic's share of insincere thanks, about one in eight, and the real Reddit lines): the highest
# threshold whose F1 on them pooled is within ``SLACK`` of their best, then raised, if need be, until every
# kind of ``PRECISION_FLOORS`` pooled reaches its precision: precision first, as a ❤️ on a complaint is what a
# business notices. Pooled F1 over every source let the writers asked for hard cases, a third of whose
# thanks-like lines are insincere, set the cut for everyone: at real proportions the shipped judge then lost
# thanks, not complaints (round 7 blind: precision 0.986, recall 0.886). The realistic days' floor was decided
# before the t1–t64 figures; the mixed sets' (issue 10's own target for them, 0.97) before the t1–t92 ones:
# with the days' floor alone the real-proportion F1 took the cut to 44, where the mixed sets, a business's
# every kind of message, put a ❤️ on one non-thanks in 26. Not above ``MAX_MIN_SCORE``.
DAY_KIND = "realistic_days"
REAL_KINDS = ("realistic_days", "comments_real_proportions", "goemo")
PRECISION_FLOORS = {DAY_KIND: 0.96, "mixed_sets": 0.97}
# Then, precision first, the cut rises as far as issue 10's recall targets allow: to the highest cut at which
# each kind of ``RECALL_FLOORS`` pooled keeps its recall, counting every thanks of its files (the finder's and
# the hard rules' misses too). The precision floors alone let a better judge's cut fall, taking its whole
# gain as recall (the multinomial head on t1–t168: 70, and on the frozen set pairs, days and all files lost
# precision); added with that head, before it met ``f72``–``f75``.
RECALL_FLOORS = {DAY_KIND: 0.95, "mixed_sets": 0.97}
MAX_MIN_SCORE = 80
# the thresholds of the report's table of each kind of source pooled
TABLE_MIN_SCORES = (20, 30, 40, 50, 55, 60, 63, 65, 67, 70, 72, 75, 80, 85, 90)
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
class Regularisation:
    """What validation chose for one head, and the validation log loss of every choice tried."""

    c: float
    char_scale: float
    losses: dict[str, float]


def is_style(name: str) -> bool:
    """True for a feature of the message's style rather than its words (see ``STYLE_SCALE``)."""
    if name.startswith(STYLE_PREFIXES) or name in ("w:^", "w:$"):
        return True
    return name.startswith("w:") and name not in PLACEHOLDERS and not any(ch.isalnum() for ch in name[2:])


def consistency_scale(x: csr_matrix, y: np.ndarray, files: np.ndarray, is_source: np.ndarray) -> np.ndarray:
    """How much each column weighs for the writer-consistency prior, from a fit's own lines.

    Within each source file a feature's evidence is ``A = Σ x · (y − the file's rate)`` over the file's lines:
    what it says once the writer's share of positives is accounted for, as the source bias does. Its
    consistency ``c = |Σ A| / (Σ |A| + 1)`` over the files is near 1 when the writers agree, near 0 when its
    direction flips from writer to writer or it says little. The scale is ``(1 − β) + β · c / mean(c)``, the
    mean over the features' occurrences, so the prior frees the cues many writers share and shrinks one
    writer's idiom and the cues writers disagree on; the sources keep 1."""
    names, index = np.unique(files, return_inverse=True)
    rates = np.bincount(index, weights=y, minlength=len(names)) / np.bincount(index, minlength=len(names))
    residual = y - rates[index]
    by_file = csr_matrix((residual, (index, np.arange(len(y)))), shape=(len(names), len(y)))
    evidence = (by_file @ x).toarray()
    consistency = np.abs(evidence.sum(axis=0)) / (np.abs(evidence).sum(axis=0) + 1.0)
    occurrences = np.asarray(x.getnnz(axis=0), dtype=float)
    mean = float(consistency @ occurrences / max(1.0, occurrences.sum()))
    scale = (1 - CONSISTENCY_BETA) + CONSISTENCY_BETA * consistency / max(mean, 1e-12)
    return np.where(is_source, 1.0, scale)


def choose_regularisation(
    head: str,
    is_char: np.ndarray,
    plain: np.ndarray,
    prior: np.ndarray,
    x_train: csr_matrix,
    y_train: np.ndarray,
    x_val: csr_matrix,
    y_val: np.ndarray,
) -> Regularisation:
    """The ``C`` and character scale of least validation log loss (of ``head``'s yes, sincere thanks or
    closing) over ``C_GRID`` × ``CHAR_SCALES``, every column also weighing its ``prior`` (the training
    lines' ``consistency_scale``)."""
    losses: dict[str, float] = {}
    best: tuple[float, float, float] | None = None
    for scale in CHAR_SCALES:
        columns = np.where(is_char, scale, plain) * prior
        for c in C_GRID:
            weights, bias = _fit(x_train, y_train, c, columns)
            loss = float(
                log_loss(yes(head, y_val), _probability(raw_scores(x_val, weights, bias)), labels=[0, 1])
            )
            losses[f"C={c} char_scale={scale}"] = round(loss, 4)
            if best is None or loss < best[0]:
                best = (loss, c, scale)
    assert best is not None
    return Regularisation(best[1], best[2], losses)


def platt(raw: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt scaling of raw scores: ``a`` and ``b`` of ``sigmoid(a·raw + b)``."""
    if len(set(labels.tolist())) < 2:
        return 1.0, 0.0
    scaler = LogisticRegression(C=1e4, max_iter=5000, solver="lbfgs").fit(raw.reshape(-1, 1), labels)
    return float(scaler.coef_[0][0]), float(scaler.intercept_[0])


def head_json(bias: np.ndarray, scaling: tuple[float, float], *, reasons: bool) -> dict[str, Any]:
    """One head's bias (gratitude: one per reason) and Platt parameters as stored, rounded."""
    biases = [round(float(b), DIGITS) for b in bias]
    return {
        "bias": biases if reasons else biases[0],
        "platt": [round(scaling[0], DIGITS), round(scaling[1], DIGITS)],
    }


def field_weights(weights: np.ndarray, names: list[str]) -> dict[str, float]:
    """One field's weights as shipped: pruned, rounded, by feature name (the writers' own dropped)."""
    return {
        name: round(float(w), DIGITS)
        for name, w in zip(names, weights, strict=True)
        if abs(w) >= PRUNE and not name.startswith(SOURCE)
    }


def best_min_score(probabilities: np.ndarray, labels: np.ndarray, *, accuracy: bool, slack: float) -> float:
    """The whole-number threshold chosen on out-of-writer scores: the highest whose accuracy (or F1) is
    within ``slack`` of the best one (a ❤️ on a complaint costs more than a missed ❤️)."""
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
    return float(max(threshold for threshold, quality in qualities if quality >= top - slack))


def precise_min_score(scored: Sequence[tuple[np.ndarray, np.ndarray, float]], *, floor: float) -> float:
    """The lowest whole-number threshold from ``floor`` to ``MAX_MIN_SCORE`` at which every group of
    ``(probabilities, labels, precision)`` reaches its precision (the one whose worst shortfall is least when
    none does)."""
    best: tuple[float, float] | None = None  # (worst shortfall, threshold)
    for threshold in range(int(floor), MAX_MIN_SCORE + 1):
        shortfall = 0.0
        for probabilities, labels, wanted in scored:
            said = probabilities * 100 >= threshold
            precision = float(np.sum(said & (labels == 1))) / max(1.0, float(np.sum(said)))
            shortfall = max(shortfall, wanted - precision)
        if shortfall <= 0:
            return float(threshold)
        if best is None or shortfall < best[0]:
            best = (shortfall, float(threshold))
    return best[1] if best is not None else floor


def recalled_min_score(scored: Sequence[tuple[np.ndarray, np.ndarray, int, float]]) -> float:
    """The highest whole-number threshold up to ``MAX_MIN_SCORE`` at which every group of ``(probabilities,
    labels, thanks, recall)`` keeps its recall: the thanks its candidates above the threshold hold, of all
    ``thanks`` (those the finder or a hard rule kept from the judge count as missed). 0 when none does."""
    for threshold in range(MAX_MIN_SCORE, -1, -1):
        if all(
            float(np.sum((probabilities * 100 >= threshold) & (labels == 1))) >= wanted * thanks
            for probabilities, labels, thanks, wanted in scored
        ):
            return float(threshold)
    return 0.0


HEADS = ("gratitude", "closing")


def reason_of(line: Line) -> int:
    """The gratitude class of a line: 0 sincere thanks, else 1 + the index of its reason in ``REASONS``."""
    if line.thanks:
        return 0
    return 1 + (REASONS.index(line.category) if line.category in REASONS else len(REASONS) - 1)


def _labels(head: str, lines: Sequence[Line]) -> tuple[np.ndarray, np.ndarray]:
    """Which lines a head learns from (every candidate; closing: the thanks) and their labels (gratitude:
    ``reason_of``; closing: 1 when it closes, else 0)."""
    if head == "gratitude":
        return np.ones(len(lines), dtype=bool), np.array([reason_of(line) for line in lines])
    return np.array([line.thanks for line in lines]), np.array([int(line.closing) for line in lines])


def yes(head: str, labels: np.ndarray) -> np.ndarray:
    """A head's yes (sincere thanks: class 0 of ``reason_of``; closing: 1) as 1, else 0."""
    said: np.ndarray = (labels == (0 if head == GRATITUDE else 1)).astype(int)
    return said


def raw_scores(x: csr_matrix, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """The log odds of each row's yes, as the runtime scores it (``linear_judge``): a multinomial head's
    ``−log Σ exp`` of each reason's logit minus sincere's; a binary head's one field."""
    fields = np.asarray(x @ weights.T) + bias
    raw: np.ndarray = -logsumexp(fields, axis=1) if len(weights) > 1 else fields[:, 0]
    return raw


def _probability(raw: np.ndarray) -> np.ndarray:
    probability: np.ndarray = 1 / (1 + np.exp(-raw))
    return probability


def _fit(x: csr_matrix, y: np.ndarray, c: float, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One head fitted with its chosen ``C``, each column weighing ``columns`` (the character scale, the style
    scale and the fit's consistency prior): per field (every class but 0) each feature's weight for the
    class's logit minus class 0's (scaled back), and the same difference of biases. Two classes: one field,
    the log odds of class 1."""
    model = LogisticRegression(C=c, max_iter=5000, solver="lbfgs").fit(x @ diags(columns), y)
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1:  # scikit-learn's binary fit: the log odds of its class 1
        return coef * columns, intercept
    return (coef[1:] - coef[0]) * columns, intercept[1:] - intercept[0]


def group_of(line: Line) -> str:
    """The cross-fitting group of a line: the file it comes from (a writer, goemo, dev, extra)."""
    return line.source


@dataclass(frozen=True)
class Head:
    """What every fit of one head needs: its lines, their labels, its column scales (before the prior) and
    its ``C``."""

    mask: np.ndarray
    labels: np.ndarray
    columns: np.ndarray
    c: float


# what a fitting process shares: the feature matrix, each line's group, which columns are sources, the heads
_shared: tuple[csr_matrix, np.ndarray, np.ndarray, dict[str, Head]] | None = None


def _share(x: csr_matrix, groups: np.ndarray, is_source: np.ndarray, heads: dict[str, Head]) -> None:
    global _shared
    _shared = (x, groups, is_source, heads)


def fit_without(task: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """A head (``task[0]``) fitted on its lines outside one group (``task[1]``; ``""``: on all its lines),
    with the consistency prior of those lines. On one BLAS thread, in a fitting process (``fits``)."""
    assert _shared is not None
    x, groups, is_source, heads = _shared
    head = heads[task[0]]
    lines = head.mask & (groups != task[1])
    rows, labels = x[lines], head.labels[lines]
    prior = consistency_scale(rows, yes(task[0], labels), groups[lines], is_source)
    with threadpool_limits(limits=1):
        return _fit(rows, labels, head.c, head.columns * prior)


SPAWN = multiprocessing.get_context("spawn")  # not fork: the calling process may hold threads
# set in the processes that build and fit before they start: BLAS and OpenMP single-threaded from their first
# call, and on x86-64 OpenBLAS's Haswell (AVX2) kernels on every CPU. A limit set at run time
# (``threadpool_limits``) is not enough for the multinomial head: fitted in a process started without these, a
# fold's biases moved by 0.01 and the shipped weights did not rebuild. lbfgs stops at sklearn's tolerance,
# where the rounding of the kernels led it, and OpenBLAS picks its kernels by CPU: SkylakeX (AVX-512) on an
# Intel Xeon, Haswell on an AMD EPYC, and the t1–t184 gratitude head built with each had biases 0.04 apart
# (-1.304 and -1.263). Pinned to Haswell, the Xeon rebuilt the EPYC's biases to the last digit
FIT_ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    **({"OPENBLAS_CORETYPE": "Haswell"} if platform.machine().lower() in ("x86_64", "amd64") else {}),
}


@contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    """``variables`` set in this process's environment (inherited by what it starts), then restored."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fits(
    tasks: list[tuple[str, str]],
    x: csr_matrix,
    groups: np.ndarray,
    is_source: np.ndarray,
    heads: dict[str, Head],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``fit_without`` of every task, in ``FIT_PROCESSES`` processes (each fit is independent and
    deterministic, so the result is what one process gives). Called in the process ``build`` starts, they
    inherit its ``FIT_ENVIRONMENT``."""
    with ProcessPoolExecutor(
        FIT_PROCESSES, mp_context=SPAWN, initializer=_share, initargs=(x, groups, is_source, heads)
    ) as pool:
        return list(pool.map(fit_without, tasks))


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    """The model file's content and the report: validation and cross-fitted figures, built in a process
    started with ``FIT_ENVIRONMENT`` (BLAS on one thread: the number of threads alone moved a cross-fitted log
    loss by 0.0001, 0.2648 on one, 0.2649 on CI's; and the same kernels on every x86-64 CPU)."""
    with _environment(FIT_ENVIRONMENT), ProcessPoolExecutor(1, mp_context=SPAWN) as builder:
        return builder.submit(_build).result()


def _build() -> tuple[dict[str, Any], dict[str, Any]]:
    split = load_split()
    finder = GratitudeDetector()
    found = candidates([*split.train, *split.validation], finder)
    lines = [line for line, _ in found]
    rows = [
        [*all_features(candidate_features(candidate, CONFIG), CONFIG), SOURCE + group_of(line)]
        for line, candidate in found
    ]
    counts = Counter(f for row in rows for f in set(row))
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    x = matrix(rows, {name: index for index, name in enumerate(names)})
    is_char = np.array([name.startswith("c:") for name in names])
    is_source = np.array([name.startswith(SOURCE) for name in names])
    plain = np.where([is_style(name) for name in names], STYLE_SCALE, 1.0)  # every column but the n-grams
    in_validation = np.arange(len(lines)) >= len(candidates(split.train, finder))
    groups = np.array([group_of(line) for line in lines])
    chosen: dict[str, Any] = {}
    heads: dict[str, Head] = {}
    for head in HEADS:
        # 1. regularisation chosen on the validation split: writers and goemo ids the fit never saw
        mask, y = _labels(head, lines)
        train, val = mask & ~in_validation, mask & in_validation
        prior = consistency_scale(x[train], yes(head, y[train]), groups[train], is_source)
        fitted = choose_regularisation(head, is_char, plain, prior, x[train], y[train], x[val], y[val])
        chosen[head] = {"C": fitted.c, "char_scale": fitted.char_scale, "validation_log_loss": fitted.losses}
        heads[head] = Head(mask, y, np.where(is_char, fitted.char_scale, plain), fitted.c)
    # 2. the shipped weights (every line) and 3. cross-fitting: each group scored by a model fitted without it
    tasks = [
        (head, group) for head in HEADS for group in ["", *sorted(set(groups[heads[head].mask].tolist()))]
    ]
    weights: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {head: {} for head in HEADS}
    for (head, group), fit in zip(tasks, fits(tasks, x, groups, is_source, heads), strict=True):
        weights[head][group] = fit
    calibration: dict[str, tuple[float, float]] = {}
    min_scores: dict[str, float] = {}
    f1_rule: dict[str, float] = {}
    cross_fitted_loss: dict[str, float] = {}
    for head in HEADS:
        mask, y = heads[head].mask, yes(head, heads[head].labels)
        out_of_group = np.zeros(len(lines))
        for group, (w, b) in weights[head].items():
            if group:
                held = groups == group
                out_of_group[held] = raw_scores(x[held], w, b)
        real = np.isin(groups[mask], [file for kind in REAL_KINDS for file in split.kinds[kind]])
        # the gratitude probability is the one of real traffic: Platt on the out-of-writer scores of the
        # sources written at real proportions, not of writers asked for a third of their thanks insincere
        # (whose hard pairs it then overrates); closing on every thanks
        calibrated = real if head == "gratitude" else np.ones(len(real), dtype=bool)
        scaling = platt(out_of_group[mask][calibrated], y[mask][calibrated])
        calibration[head] = scaling
        probabilities = _probability(scaling[0] * out_of_group[mask] + scaling[1])
        cross_fitted_loss[head] = round(float(log_loss(y[mask], probabilities, labels=[0, 1])), 4)
        min_scores[head] = best_min_score(
            probabilities, y[mask], accuracy=head == "closing", slack=SLACK[head]
        )
        if head == "gratitude":
            f1_rule[head] = min_scores[head]
            at_real = best_min_score(probabilities[real], y[mask][real], accuracy=False, slack=SLACK[head])
            floors = []
            for kind, wanted in sorted(PRECISION_FLOORS.items()):
                members = np.isin(groups[mask], split.kinds[kind])
                floors.append((probabilities[members], y[mask][members], wanted))
            precise = precise_min_score(floors, floor=at_real)
            recalls = []
            for kind, wanted in sorted(RECALL_FLOORS.items()):
                members = np.isin(groups[mask], split.kinds[kind])
                thanks = sum(
                    1
                    for line in [*split.train, *split.validation]
                    if line.thanks and line.source in split.kinds[kind]
                )
                recalls.append((probabilities[members], y[mask][members], thanks, wanted))
            min_scores[head] = max(precise, recalled_min_score(recalls))

    def fields_of(group: str) -> dict[str, dict[str, float]]:
        gratitude = weights[GRATITUDE].get(group, weights[GRATITUDE][""])[0]
        closing = weights[CLOSING].get(group, weights[CLOSING][""])[0]
        return {
            **{reason: field_weights(w, names) for reason, w in zip(REASONS, gratitude, strict=True)},
            CLOSING: field_weights(closing[0], names),
        }

    shipped = fields_of("")

    def payload_of(group: str) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": {
                "char_min": CONFIG.char_min,
                "char_max": CONFIG.char_max,
                "word_window": CONFIG.word_window,
            },
            "min_scores": min_scores,
            "reasons": list(REASONS),
            "heads": {
                head: head_json(
                    weights[head].get(group, weights[head][""])[1],
                    calibration[head],
                    reasons=head == GRATITUDE,
                )
                for head in HEADS
            },
            "weights": weights_json(shipped if group == "" else fields_of(group), 10**DIGITS),
        }

    payload = payload_of("")
    payload["meta"] = {
        "lines": len(split.train) + len(split.validation),
        "candidates": len(lines),
        "vocabulary": len(names),
        "chosen": chosen,
        "cross_fitted_log_loss": cross_fitted_loss,
        "gratitude_threshold": {
            "f1_rule": f1_rule["gratitude"],
            **{kind + "_precision": wanted for kind, wanted in sorted(PRECISION_FLOORS.items())},
            **{kind + "_recall": wanted for kind, wanted in sorted(RECALL_FLOORS.items())},
        },
        "weights_kept": {name: len(kept) for name, kept in shipped.items()},
    }
    by_group: dict[str, list[Line]] = {}
    for line in [*split.train, *split.validation]:
        by_group.setdefault(group_of(line), []).append(line)
    return payload, cross_fitted_report(by_group, payload_of, min_scores, split.kinds)


def cross_fitted_report(
    by_group: dict[str, list[Line]],
    payload_of: Callable[[str], dict[str, Any]],
    min_scores: dict[str, float],
    kinds: dict[str, list[str]],
) -> dict[str, Any]:
    """Figures of every group (a writer's file, a goemo slice) judged by the model fitted without it, with
    the shipped calibration and thresholds; goemo slices also together, and everything together; and each
    kind of source pooled at every threshold of ``TABLE_MIN_SCORES`` and the chosen one (under
    ``"thresholds"``)."""
    verdicts: dict[str, list[tuple[Line, Verdict]]] = {}
    scored: dict[str, list[tuple[Line, Verdict]]] = {}  # every candidate accepted, to cut at any threshold
    for group, group_lines in sorted(by_group.items()):
        payload = payload_of(group)
        detect, score = detector_of(payload).detect, detector_of(payload, 0.0).detect
        verdicts[group] = [(line, detect(line.text)) for line in group_lines]
        scored[group] = [(line, score(line.text)) for line in group_lines]
    merged = {name: pairs for name, pairs in verdicts.items() if not name.startswith(GOEMO)}
    merged["goemo/train.tsv"] = [
        pair for name, pairs in verdicts.items() if name.startswith(GOEMO) for pair in pairs
    ]
    merged["all"] = [pair for pairs in verdicts.values() for pair in pairs]
    report: dict[str, Any] = {name: _figures_json(evaluate_verdicts(pairs)) for name, pairs in merged.items()}
    report["thresholds"] = {
        kind: [
            _cut(
                [pair for group, pairs in scored.items() if group in files for pair in pairs],
                min_score,
                min_scores["closing"],
            )
            for min_score in sorted({*TABLE_MIN_SCORES, min_scores["gratitude"]})
        ]
        for kind, files in kinds.items()
    }
    return report


def _cut(
    scored: Sequence[tuple[Line, Verdict]], min_score: float, closing_min_score: float
) -> dict[str, Any]:
    """Pooled figures at one gratitude threshold, from verdicts that accepted every judged candidate."""
    said = [
        (line, verdict.gratitude and verdict.judge is not None and verdict.score >= min_score)
        for line, verdict in scored
    ]
    hearts = sum(1 for _, heart in said if heart)
    right = sum(1 for line, heart in said if heart and line.thanks)
    thanks = sum(1 for line, _ in said if line.thanks)
    closing_right = sum(
        1
        for (line, heart), (_, verdict) in zip(said, scored, strict=True)
        if line.thanks and heart and (verdict.closing_score >= closing_min_score) == line.closing
    )
    at = Scores(
        true_positive=right,
        false_positive=hearts - right,
        false_negative=thanks - right,
        closing_right=closing_right,
        closing_total=thanks,
    )
    return {
        "min_score": min_score,
        "precision": round(at.precision, 3),
        "recall": round(at.recall, 3),
        "f1": round(at.f1, 3),
        "closing_accuracy": round(at.closing_accuracy, 3),
        "hearts": hearts,
        "false_hearts": hearts - right,
    }


def _figures_json(f: Figures) -> dict[str, Any]:
    return {
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


def dump(payload: dict[str, Any]) -> str:
    """The exact text written for a JSON payload (so a test can compare bytes)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the model, write the model file and the report, print the cross-fitted figures.

    ``python -m training.train [MODEL_FILE] [--report REPORT_FILE]``: by default the shipped model and
    ``training/report.json``; a trial (a feature variant measured before anyone ships it) writes both
    elsewhere, e.g. ``python -m training.train /tmp/judge.json --report /tmp/report.json``."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=main.__doc__)
    parser.add_argument("model_file", nargs="?", type=Path, default=MODEL_FILE)
    parser.add_argument("--report", type=Path, default=REPORT_FILE, help="where the report goes")
    args = parser.parse_args(argv)
    model_file, report_file = args.model_file, args.report
    payload, report = build()
    model_file.write_text(dump(payload), encoding="utf-8")
    report_file.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(payload["meta"], indent=1))
    print("min_scores", payload["min_scores"])
    for name, figures in report.items():
        if name == "thresholds":
            continue
        print(
            f"{name:32} n={figures['lines']:5} P {figures['precision']:.3f} R {figures['recall']:.3f} "
            f"F1 {figures['f1']:.3f} closing {figures['closing_accuracy']:.3f} "
            f"ECE {figures['ece_gratitude']:.3f}/{figures['ece_closing']:.3f}"
        )
    for kind, cuts in report["thresholds"].items():
        print(kind)
        for cut in cuts:
            print(
                f"  {cut['min_score']:3} P {cut['precision']:.3f} R {cut['recall']:.3f} F1 {cut['f1']:.3f} "
                f"closing {cut['closing_accuracy']:.3f} false ❤️ {cut['false_hearts']}"
            )
    print(f"wrote {model_file} ({model_file.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
