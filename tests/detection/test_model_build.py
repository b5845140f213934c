"""The shipped judge weights and ``training/report.json`` are what ``make model`` builds from
``training/data``, and the cross-fitted figures (each writer judged by a model that never saw its lines)
stay above their floors.

Exact bytes are expected on one machine, and on any x86-64 machine with the same libraries: ``make model``
runs OpenBLAS's Haswell kernels whatever the CPU (``train.FIT_ENVIRONMENT``; before, an AMD EPYC rebuilt the
gratitude biases 0.04 away from an Intel Xeon's). Across libraries (another BLAS, another scipy) the solver
may end a hair apart, so the test allows each weight, bias and Platt parameter to differ by ``TOLERANCE``
and a feature to be kept on one side only when its weight is within ``TOLERANCE`` of the pruning threshold,
and each reported figure to differ by ``FIGURE_TOLERANCE`` and each recorded log loss by ``LOSS_TOLERANCE``
(another BLAS build can move its last digit; ``make model`` holds BLAS to one thread, as the number of
threads moved it too); the thresholds and every choice made on validation must be equal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from training import train

from spasibo.detection.linear_judge import CLOSING, GRATITUDE, LinearModel

TOLERANCE = 0.002
FIGURE_TOLERANCE = 0.01
LOSS_TOLERANCE = 0.0005
# every blind writer, judged by a model fitted without its lines, at the default thresholds (76 / 47 on
# t1–t192 with the multinomial gratitude head; the weakest: t139's food-marketplace courier pairs, round 14,
# whose irony lies in what arrived, 0.69 precision; t136's online-psychologist pairs, gentle and long on both
# halves, 0.78 recall, 0.82 F1 and 0.73 closing), and all sources together (precision 0.928 on t1–t192: the
# thirty-nine pair files of rounds 12 to 22 are half insincere). The gratitude scores are calibrated on the
# sources written at real proportions, so over all sources, a third of whose thanks-like lines the hard-case
# writers made insincere, they are overconfident by design: ECE 0.040 (0.041 with the binary head; 0.012
# calibrated on every source), where the real-proportion sources' own ECE fell (frozen: 0.012 -> 0.004)
WRITER_FLOORS = {"precision": 0.67, "recall": 0.74, "f1": 0.78, "closing_accuracy": 0.70}
# three writers sit below those for reasons of their own: t45 wrote gratitude without a usual thanks word (the
# finder proposes two thirds of its thanks, so recall 0.62); t152's airline pairs write long, formal sincere
# thanks beside the facts of a lost bag or a cancelled flight, which the judge reads as irony (recall 0.74,
# closing 0.71; blind, before training on them, 0.69 / 0.65); t165's car-loan pairs, most of whose sincere
# thanks come with a question about rates and fees (recall 0.73, closing 0.70; blind 0.71 / 0.67)
WRITER_EXCEPTIONS = {
    "writers/t45_no_thanks_word.tsv": {"recall": 0.57, "f1": 0.71, "closing_accuracy": 0.54},
    "writers/t152_pairs_airline_baggage_refunds.tsv": {"recall": 0.68, "f1": 0.76, "closing_accuracy": 0.62},
    "writers/t165_pairs_car_loan_broker.tsv": {"recall": 0.69, "closing_accuracy": 0.66},
}
ALL_FLOORS = {"precision": 0.92, "recall": 0.91, "f1": 0.92, "closing_accuracy": 0.87, "ece_gratitude": 0.05}


@pytest.fixture(scope="module")
def build():
    return train.build()


@pytest.fixture(scope="module")
def rebuilt(build):
    return json.loads(train.dump(build[0]))


@pytest.fixture(scope="module")
def shipped():
    return json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))


def split_losses(meta):
    """``meta`` without the log losses it records (what must be rebuilt exactly), and those losses (the
    cross-fitted one and each validation run's) by a path of keys."""
    losses = {("cross_fitted_log_loss", head): loss for head, loss in meta["cross_fitted_log_loss"].items()}
    chosen = {}
    for head, choice in meta["chosen"].items():
        losses.update({("chosen", head, run): loss for run, loss in choice["validation_log_loss"].items()})
        chosen[head] = {k: v for k, v in choice.items() if k != "validation_log_loss"}
    exact = {k: v for k, v in meta.items() if k != "cross_fitted_log_loss"}
    return {**exact, "chosen": chosen}, losses


@pytest.mark.slow
def test_thresholds_and_choices_are_rebuilt_exactly(rebuilt, shipped):
    assert rebuilt["min_scores"] == shipped["min_scores"]
    assert rebuilt["features"] == shipped["features"]
    (rebuilt_exact, rebuilt_losses), (shipped_exact, shipped_losses) = map(
        split_losses, (rebuilt["meta"], shipped["meta"])
    )
    assert rebuilt_exact == shipped_exact
    # a log loss is a figure, not a choice: another BLAS may move its fourth decimal (0.2648 -> 0.2649)
    assert rebuilt_losses.keys() == shipped_losses.keys()
    assert all(abs(rebuilt_losses[key] - shipped_losses[key]) <= LOSS_TOLERANCE for key in shipped_losses)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(train.PRECISION_FLOORS))
def test_the_default_threshold_holds_each_floored_kinds_precision(rebuilt, build, kind):
    chosen = rebuilt["min_scores"]["gratitude"]
    assert chosen <= train.MAX_MIN_SCORE
    cuts = build[1]["thresholds"][kind]
    above = [cut for cut in cuts if cut["min_score"] >= chosen]
    assert above
    assert all(cut["precision"] >= train.PRECISION_FLOORS[kind] - 0.01 for cut in above)


def field_weights(payload, field):
    """One field's weights by feature name (a reason's, or closing), as the model file holds them (a missing
    weight is 0)."""
    model = LinearModel.from_json(payload)
    index = [*model.reasons, CLOSING].index(field)
    return {name: weights[index] for name, weights in model.weights.items() if weights[index]}


@pytest.mark.slow
@pytest.mark.parametrize("head", [GRATITUDE, CLOSING])
def test_biases_and_calibration_are_rebuilt_within_tolerance(rebuilt, shipped, head):
    new, old = rebuilt["heads"][head], shipped["heads"][head]
    assert new["bias"] == pytest.approx(old["bias"], abs=TOLERANCE)
    assert new["platt"] == pytest.approx(old["platt"], abs=TOLERANCE)


@pytest.mark.slow
@pytest.mark.parametrize("field", [*train.REASONS, CLOSING])
def test_weights_are_rebuilt_within_tolerance(rebuilt, shipped, field):
    new_weights, old_weights = field_weights(rebuilt, field), field_weights(shipped, field)
    for name in new_weights.keys() | old_weights.keys():
        a, b = new_weights.get(name, 0.0), old_weights.get(name, 0.0)
        assert a == pytest.approx(b, abs=TOLERANCE), name
        if (a == 0.0) != (b == 0.0):
            assert abs(a or b) < train.PRUNE + TOLERANCE, name


@pytest.mark.slow
def test_the_report_is_what_make_model_measures(build):
    shipped = json.loads(train.REPORT_FILE.read_text(encoding="utf-8"))
    for kind, cuts in build[1]["thresholds"].items():
        for cut, old in zip(cuts, shipped["thresholds"][kind], strict=True):
            assert cut["min_score"] == old["min_score"]
            for key in ("precision", "recall", "f1", "closing_accuracy"):
                where = (kind, cut["min_score"], key)
                assert cut[key] == pytest.approx(old[key], abs=FIGURE_TOLERANCE), where
    for name, figures in build[1].items():
        if name == "thresholds":
            continue
        for key in ("precision", "recall", "f1", "closing_accuracy", "ece_gratitude", "ece_closing"):
            assert figures[key] == pytest.approx(shipped[name][key], abs=FIGURE_TOLERANCE), (name, key)


@pytest.mark.slow
def test_cross_fitted_figures_stay_above_their_floors(build):
    report = build[1]
    problems = [
        f"{name}: {key} {report[name][key]} < {floor}"
        for name in report
        if name.startswith("writers/")
        for key, floor in {**WRITER_FLOORS, **WRITER_EXCEPTIONS.get(name, {})}.items()
        if report[name][key] < floor
    ]
    problems += [
        f"all: {key} {report['all'][key]} < {floor}"
        for key, floor in ALL_FLOORS.items()
        if key != "ece_gratitude" and report["all"][key] < floor
    ]
    if report["all"]["ece_gratitude"] > ALL_FLOORS["ece_gratitude"]:
        problems.append(
            f"all: ece_gratitude {report['all']['ece_gratitude']} > {ALL_FLOORS['ece_gratitude']}"
        )
    assert not problems, "\n".join(problems)


def test_the_precision_rule_takes_the_lowest_cut_every_floored_kind_allows():
    scores = np.array([0.95, 0.85, 0.75, 0.65, 0.55])
    days = (scores, np.array([1, 1, 1, 0, 1]), 0.8)  # 4 of 5 up to 55, 3 of 4 to 65, then 3 of 3
    mixed = (scores, np.array([1, 1, 0, 1, 1]), 0.8)  # 4 of 5 up to 55, short of 0.8 until 2 of 2 from 76
    assert train.precise_min_score([days, mixed], floor=40) == 40
    assert train.precise_min_score([days], floor=56) == 66
    assert train.precise_min_score([days, mixed], floor=56) == 76
    never = (scores, np.zeros(5, dtype=int), 0.5)  # no cut reaches it: the least shortfall, the first cut
    assert train.precise_min_score([never], floor=56) == 56


def test_the_recall_rule_takes_the_highest_cut_every_recall_floor_allows():
    scores = np.array([0.95, 0.85, 0.75, 0.65, 0.55])
    labels = np.array([1, 1, 1, 1, 0])
    # 4 thanks among the candidates, 5 in the files (one never reached the judge)
    assert train.recalled_min_score([(scores, labels, 5, 0.6)]) == 75  # 3 of 5 from 75 down
    assert train.recalled_min_score([(scores, labels, 5, 0.8)]) == 65
    assert train.recalled_min_score([(scores, labels, 4, 0.5), (scores, labels, 5, 0.8)]) == 65
    assert train.recalled_min_score([(scores, labels, 5, 0.2)]) == train.MAX_MIN_SCORE  # capped
    assert train.recalled_min_score([(scores, labels, 5, 0.9)]) == 0  # never: the rule defers to the rest


KERNELS = (
    "import json, numpy, scipy.linalg, threadpoolctl; print(json.dumps(sorted({i.get('architecture') for i in"
    " threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'})))"
)


@pytest.mark.skipif(
    "OPENBLAS_CORETYPE" not in train.FIT_ENVIRONMENT, reason="the kernels are pinned on x86-64 only"
)
def test_the_build_environment_runs_the_same_openblas_kernels_on_any_x86_cpu():
    """numpy's and scipy's OpenBLAS, loaded in a process started with ``FIT_ENVIRONMENT``, run the Haswell
    kernels, whatever this CPU would pick (SkylakeX on an AVX-512 Xeon)."""
    env = {**os.environ, **train.FIT_ENVIRONMENT}
    out = subprocess.run([sys.executable, "-c", KERNELS], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == ["Haswell"]
