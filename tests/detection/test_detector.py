"""The detector's contract: verdict fields, other intents, settings, and packs from anywhere."""

from __future__ import annotations

import pytest

from spasibo import ConfigError, GratitudeDetector, Verdict, detect
from spasibo.detection import DetectorSettings, default_detector
from spasibo.phrases import PhrasePack, builtin_packs

CONFIRMATION = PhrasePack(
    intent="confirmation", language="ru", source="test-plugin", phrases=("подтверждаю", "да, записывайте")
)


def test_detect_returns_a_verdict_pointing_at_the_phrase():
    text = "Ну что ж, Спасибо большое!"
    verdict = detect(text)
    assert isinstance(verdict, Verdict)
    assert (verdict.intent, verdict.gratitude, verdict.language) == ("gratitude", True, "ru")
    assert verdict.span is not None
    assert text[verdict.span[0] : verdict.span[1]] == "Спасибо большое"
    assert verdict.match == "спасибо большое"


def test_plain_thanks_scores_high():
    assert detect("спасибо").score >= 90


def test_no_phrase_gives_an_empty_verdict():
    assert detect("Адрес у вас какой?") == Verdict()


def test_a_thanks_the_judge_rejects_keeps_its_low_score_and_says_why():
    verdict = detect("спасибо за ничего")
    assert (verdict.intent, verdict.reason, verdict.judge) == (None, "judge", "linear")
    assert verdict.score < default_detector().min_scores()[0]


def test_a_thanks_a_hard_rule_vetoes_scores_zero_and_names_the_rule():
    verdict = detect("даже спасибо не сказали")
    assert (verdict.score, verdict.reason, verdict.rule, verdict.judge) == (
        0.0,
        "negation",
        "ru.negated",
        None,
    )


def test_scores_are_probabilities_not_all_or_nothing():
    scores = {
        detect(text).score
        for text in ("спасибо", "спасибо, а можно на 15:00?", "ну спасибо, опять перенесли")
    }
    assert len(scores) == 3
    assert all(0.0 < score < 100.0 for score in scores)


@pytest.mark.parametrize(
    ("text", "language"), [("дякую", "uk"), ("рахмет!", "kk"), ("thx", "en"), ("danke schön", "de")]
)
def test_language_is_that_of_the_matched_phrase(text, language):
    assert detect(text).language == language


def test_another_intent_pack_is_detected_with_its_intent():
    detector = GratitudeDetector(packs=[*builtin_packs(), CONFIRMATION])
    verdict = detector.detect("Да, записывайте")
    assert (verdict.intent, verdict.gratitude) == ("confirmation", False)


def test_gratitude_wins_over_another_intent():
    detector = GratitudeDetector(packs=[*builtin_packs(), CONFIRMATION])
    verdict = detector.detect("Подтверждаю, спасибо!")
    assert (verdict.intent, verdict.gratitude) == ("gratitude", True)


def test_a_detector_without_gratitude_packs_finds_no_gratitude():
    assert GratitudeDetector(packs=[CONFIRMATION]).detect("спасибо") == Verdict()


def test_thresholds_can_be_given_as_keywords():
    strict = GratitudeDetector(min_score=95)
    assert not strict.detect("спосибо").gratitude
    assert strict.detect("спасибо").gratitude


def test_thresholds_can_be_given_as_settings():
    detector = GratitudeDetector(settings=DetectorSettings(max_text_chars=100, window_chars=20))
    assert detector.detect("спасибо " + "слово " * 50).truncated


def test_an_unknown_threshold_is_a_config_error_naming_it():
    with pytest.raises(ConfigError, match="min_scor"):
        GratitudeDetector(min_scor=10)


def test_long_text_is_windowed_and_says_so():
    text = "Спасибо за всё! " + "очень длинный рассказ о визите " * 3000
    verdict = detect(text)
    assert (verdict.gratitude, verdict.truncated) == (True, True)


def test_thanks_at_the_end_of_a_long_text_is_found():
    verdict = detect("длинное сообщение " * 1000 + "Спасибо!")
    assert verdict.gratitude
    assert verdict.span is not None
    assert verdict.span[1] == len("длинное сообщение " * 1000 + "Спасибо")


def test_default_detector_is_not_built_at_import():
    import subprocess
    import sys

    code = "import spasibo.detection as d; print(d.default_detector.cache_info().currsize)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


def test_spasibo_detect_stays_the_function_after_the_detection_package_is_imported():
    import spasibo
    import spasibo.detection

    assert spasibo.detect is spasibo.detection.detect
    assert spasibo.detect("Спасибо!").gratitude


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо большое!",
        "спасибо за ничего",
        "даже спасибо не сказали",
        "спасибо, а адрес какой?",
        "подтверждаю",
        "🙏 подскажите адрес",
        "слово " * 500 + "спасибо!",
    ],
)
def test_a_verdict_is_what_validating_its_fields_gives(text):
    verdict = GratitudeDetector([*builtin_packs(), CONFIRMATION]).detect(text)
    validated = Verdict.model_validate(verdict.model_dump())
    assert verdict == validated
    assert repr(verdict) == repr(validated)
    assert verdict.model_fields_set == validated.model_fields_set


def test_another_judges_answer_out_of_range_is_refused():
    from pydantic import ValidationError

    from spasibo.detection.candidate import Judgement

    detector = GratitudeDetector(judge=lambda candidate: Judgement(1.5, 0.5, "broken"))
    with pytest.raises(ValidationError, match="score"):
        detector.detect("спасибо")


def test_candidates_and_judgements_are_what_their_constructors_build():
    """The detector and the built-in judge set a candidate's and a judgement's fields at once; each must be
    the object the dataclass's own ``__init__`` makes: same fields, same order, same values."""
    from dataclasses import fields

    from spasibo.detection.candidate import Candidate, Judgement

    detector = default_detector()
    for text in ("Спасибо!", "спасибо большое, до встречи", "Спасибо, а где заказ?", "спс 🙏 всё супер"):
        candidate = detector.candidate(text)
        assert candidate is not None
        rebuilt = Candidate(*(getattr(candidate, field.name) for field in fields(Candidate)))
        assert list(vars(candidate).items()) == list(vars(rebuilt).items())
        assert candidate == rebuilt
        judgement = detector.judge(candidate)
        again = Judgement(judgement.gratitude, judgement.closing, judgement.judge, judgement.rule)
        assert list(vars(judgement).items()) == list(vars(again).items())
        assert judgement == again


def test_the_judges_names_are_the_models_own_strings():
    """Words and feature names are interned at runtime as the model's names are at load, so each lookup
    finds its key by identity (a speed property: the answers would be the same without it)."""
    from spasibo.detection.features import candidate_features

    detector = default_detector()
    model = detector.judge.model
    candidate = detector.candidate("Спасибо большое, всё пришло! 🙏 До встречи")
    assert candidate is not None
    found = candidate_features(candidate, model.config)
    keys = {id(key) for key in model.weights} | {id(key) for key in model.unigrams}
    known = [
        name for name in [*found.finder, *found.unigrams] if name in model.weights or name in model.unigrams
    ]
    assert known
    assert all(id(name) in keys for name in known)
    pairs = {id(left): left for left, _ in model.bigrams} | {id(right): right for _, right in model.bigrams}
    bigram_items = [item for pair in found.bigrams if pair in model.bigrams for item in pair]
    assert bigram_items
    assert all(id(item) in pairs for item in bigram_items)


def test_the_judges_raw_scores_are_the_exact_sums_of_its_whole_number_weights():
    """The judge sums every field at once as packed integers; each field must be the exact sum of that
    field's weights (whole numbers of ``1/scale``) over the features listed (unigrams, bigrams, the
    finder's, then each word's own), and the gratitude score the log odds of sincere against the reasons."""
    from training.corpora import read_lines, training_files

    from spasibo.detection.features import candidate_features, word_features
    from spasibo.detection.linear_judge import log_odds

    detector = default_detector()
    judge = detector.judge
    model = judge.model
    scale = model.scale
    checked = 0
    for line in (line for path in training_files() for line in read_lines(path)):
        candidate = detector.candidate(line.text)
        if candidate is None:
            continue
        found = candidate_features(candidate, model.config)
        features = [*found.features, *(f for word in found.words for f in word_features(word, model.config))]
        units = [round(value * scale) for value in model.values(model.bias)]
        for feature in features:
            for field, value in enumerate(model.weights.get(feature, ())):
                units[field] += round(value * scale)
        sums = judge.field_sums(candidate)
        assert sums == tuple(unit / scale for unit in units)
        assert judge.raw_scores(candidate) == (log_odds(sums[:-1]), sums[-1])
        checked += 1
    assert checked > 10_000


def test_features_are_the_same_without_the_finders_word_positions():
    """The detector hands the judge its words' token positions so the features need not walk the tokens
    for them; a candidate without them (a plugin's, a test's) must read the same features from its tokens."""
    from dataclasses import replace

    from training.corpora import read_lines, training_files

    from spasibo.detection.features import candidate_features

    detector = default_detector()
    config = detector.judge.model.config
    checked = 0
    for line in (line for path in training_files() for line in read_lines(path)):
        candidate = detector.candidate(line.text)
        if candidate is None:
            continue
        assert candidate.word_positions is not None
        bare = replace(candidate, word_positions=None)
        assert candidate_features(bare, config) == candidate_features(candidate, config)
        checked += 1
    assert checked > 10_000
