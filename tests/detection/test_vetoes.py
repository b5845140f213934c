"""Rules and the judge: each rule turns a thanks-like text into "not thanks" and names itself; complaints in
thanks words are left to the trained judge; look-alike sincere texts pass."""

from __future__ import annotations

import pytest

from spasibo.detection import default_detector, detect
from spasibo.detection.vetoes import ASKED_BACK, QUOTED


def fired(text: str) -> set[str]:
    """The id of every rule that fires on any phrase of ``text``, hard or soft."""
    return {hit.id for _, hits in default_detector().rule_hits(text) for hit in hits}


@pytest.mark.parametrize(
    "text",
    [
        "спасибо за испорченный вечер",
        "ну спасибо, опять перенесли",
        "Вот спасибо, теперь ждать неделю",
        "спасибо, конечно, но я просила другое",
        "Спасибо, что перепутали мою запись",
        "спс за сервис 🤡",
    ],
)
def test_sarcasm_is_judged_not_thanks(text):
    verdict = detect(text)
    assert (verdict.gratitude, verdict.reason, verdict.judge) == (False, "judge", "linear")


def test_sarcasm_anywhere_rejects_the_whole_message():
    assert not detect("Спасибо. Ну спасибо, опять никто не перезвонил").gratitude


def test_warm_words_do_not_lift_other_complaint_cues():
    assert not detect("ну спасибо, выручили, опять перенесли").gratitude


def test_scare_quotes_after_thanks_are_a_feature_of_the_judge():
    verdict = detect("спасибо за «заботливого» мастера")
    assert (verdict.gratitude, verdict.rule, verdict.reason) == (False, None, "judge")


def test_a_complaint_after_but_keeps_the_thanks():
    verdict = detect("Спасибо, но ссылка на оплату не открывается")
    assert (verdict.gratitude, verdict.closing) == (True, False)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("даже спасибо не сказали", "ru.negated"),
        ("не благодарите", "ru.negated"),
        ("спасибо не за что", "ru.not_said"),
        ("спасибо скажу, когда сделаете", "ru.promised_later"),
        ("я бы сказала спасибо, если бы перезвонили", "ru.conditional"),
        ("муж говорит спасибо тебе не скажу", "ru.not_said"),
    ],
)
def test_negated_or_postponed_thanks_is_vetoed_by_its_rule(text, rule):
    verdict = detect(text)
    assert (verdict.gratitude, verdict.reason, verdict.rule) == (False, "negation", rule)


def test_negation_the_rules_do_not_know_is_left_to_the_judge():
    verdict = detect("Я не собираюсь говорить спасибо")
    assert (verdict.gratitude, verdict.judge) == (False, "linear")


def test_no_thanks_word_at_all_in_ne_za_chto():
    assert not detect("не за что)").gratitude


@pytest.mark.parametrize("text", ["нет, спасибо", "Не нужно, спасибо", "Спасибо, не надо"])
def test_a_polite_refusal_is_a_closing_thanks(text):
    verdict = detect(text)
    assert (verdict.gratitude, verdict.closing) == (True, True)


@pytest.mark.parametrize(
    "text",
    [
        "на торте надпись «Спасибо, учитель!»",
        "ваш бот прислал «спасибо за заказ», это ошибка?",
        'магазин "Спасибо" рядом',
    ],
)
def test_quoted_thanks_is_someone_elses_words(text):
    # a soft rule: it names itself among the hits, and the judge weighs it
    assert (detect(text).gratitude, QUOTED in fired(text)) == (False, True)


def test_an_inscription_without_quotes_is_reported():
    assert detect("на капкейках надпись Thank you teacher").gratitude is False


def test_thanks_passed_on_is_thanks():
    assert detect("Мама передаёт спасибо мастеру Алёне").gratitude


@pytest.mark.parametrize("text", ["Благодаря пробкам опоздаю", "благодаря новому графику смогу по утрам"])
def test_blagodarya_as_a_preposition_is_not_thanks(text):
    assert not detect(text).gratitude


def test_blagodarya_vam_credits_the_business():
    assert detect("Благодаря вам я наконец довольна").gratitude


@pytest.mark.parametrize(
    "text",
    [
        "Я на Спасской улице",
        "Мой муж спасатель",
        "Можно оплатить бонусами СберСпасибо?",
        "В Beauty Bar тоже ваш филиал?",
        "Я в ТЦ City Mall",
        "хотим party box",
        "мерс е-класс, колодки",
        "Только вернулась из Мерсина",
        "промокод SPSB20 не работает",
        "номер заказа SPS-4412",
        "Промокод THANKYOU10 ещё действует?",
        "к букету добавьте конфеты Merci",
        "Спасите, ноготь сломался",
    ],
)
def test_lookalikes_are_not_thanks(text):
    assert not detect(text).gratitude


@pytest.mark.parametrize("text", ["Как оставить благодарность мастеру?", "как отблагодарить доктора?"])
def test_a_question_about_how_to_thank_is_a_request(text):
    verdict = detect(text)
    assert (verdict.gratitude, verdict.reason, verdict.rule) == (False, "question", "ru.how_to_thank")


def test_expressing_gratitude_is_thanks():
    assert detect("Хочу выразить благодарность мастеру Анне").gratitude


def test_thanks_for_a_failure_is_judged_not_thanks():
    assert detect("Благодаря вашей ошибке я пропустила приём").reason == "judge"


@pytest.mark.parametrize("text", ["Спасибо, late checkout подтвердили", "Thanks, всё супер"])
def test_english_rules_do_not_veto_a_russian_message(text):
    assert detect(text).rule is None


def test_english_rules_veto_an_english_message():
    assert detect("thanks for nothing").rule == "en.for_nothing"


def test_thanks_asked_back_is_not_thanks():
    # "asked_back" is a soft rule: it names itself among the hits, and the judge weighs it
    text = "Спасибо? За что?"
    assert (detect(text).gratitude, ASKED_BACK in fired(text)) == (False, True)
