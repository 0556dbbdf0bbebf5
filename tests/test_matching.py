"""The comparison rules of claims.matching: figures, negation, direction, typos, languages, reasons."""

from __future__ import annotations

from datetime import date

import pytest

from claims.matching import analyse, compare, figures_in
from kb.language import detect


def _same(a: str, b: str, language: str = "en") -> bool:
    return compare(analyse(a, language), analyse(b, language)).same_claim


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("69% of voters", ["69%"]),
        ("sixty-nine percent of voters", ["69%"]),
        ("a thousand jobs", ["1,000"]),
        ("1,000 jobs", ["1,000"]),
        ("$1.5 billion", ["1.5 billion"]),
        ("1,500,000,000 dollars", ["1.5 billion"]),
        ("half a billion dollars", ["500 million"]),
        ("three quarters of small businesses", ["75%"]),
        ("anywhere from $4 (million) to $11 million", ["4 million", "11 million"]),
    ],
)
def test_figures_are_read_however_written(text: str, labels: list[str]) -> None:
    assert [f.label for f in figures_in(text)] == labels


def test_figures_in_other_languages() -> None:
    assert [f.label for f in figures_in("el 69 por ciento y 1.000 personas", "es")] == ["69%", "1,000"]
    assert [f.label for f in figures_in("3,5 milliards d'euros", "fr")] == ["3.5 billion"]
    assert [f.label for f in figures_in("zwei Millionen Menschen", "de")] == ["2 million"]


def test_rewording_with_figures_written_differently_is_the_same_claim() -> None:
    assert _same("Says Obama cut Medicare by $500 billion.", "Obama reduced Medicare spending by 500 billion dollars")


def test_figures_negation_and_direction_matter() -> None:
    claim = "Obama cut Medicare by $10 billion."
    assert not _same(claim, "Obama raised Medicare by $10 billion.")
    assert not _same(claim, "Obama cut Medicare by $20 billion.")
    assert not _same(claim, "Obama did not cut Medicare by $10 billion.")
    result = compare(analyse(claim), analyse("Obama raised Medicare by $10 billion."))
    assert "opposite" in result.reason and "“cut”" in result.reason


def test_typos_are_forgiven_and_named() -> None:
    result = compare(analyse("Obama cut Medicare by $10 billion."), analyse("Obmaa cut Medicre by $10 billion."))
    assert result.same_claim
    assert "“medicare” as “medicre”" in result.reason


def test_same_claimant_raises_the_score_and_says_so() -> None:
    a, b = "Taxes went up under the governor.", "Under the governor, taxes went up."
    plain = compare(analyse(a), analyse(b))
    both = compare(analyse(a, claimant="x"), analyse(b, claimant="x"))
    assert both.score >= plain.score and "same claimant" in both.reason


def test_dates_are_told_but_do_not_decide() -> None:
    a = analyse("Taxes went up under the governor.", claimed=date(2020, 1, 1))
    same_day = compare(a, analyse("Under the governor, taxes went up.", claimed=date(2020, 1, 1)))
    years_apart = compare(a, analyse("Under the governor, taxes went up.", claimed=date(2023, 1, 1)))
    assert "made the same day" in same_day.reason and "1096 days apart" in years_apart.reason
    assert same_day.same_claim and years_apart.same_claim


def test_other_languages_have_their_own_rules() -> None:
    assert not _same("El gobierno subió el impuesto un 10%.", "El gobierno bajó el impuesto un 10%.", "es")
    assert not _same("Le chômage a baissé de deux points.", "Le chômage a augmenté de deux points.", "fr")
    assert not _same("Die Steuern wurden auf 19 Prozent erhöht.", "Die Steuern wurden auf 19 Prozent gesenkt.", "de")
    assert _same("Die Steuern wurden auf 19 Prozent erhöht.", "Die Steuern wurden auf 19 % erhöht.", "de")


def test_language_detection_returns_tags_and_refuses_to_guess() -> None:
    assert detect("El gobierno subió los impuestos un 10% en 2019") == "es"
    assert detect("Le chômage a baissé de 2 points en 2019") == "fr"
    assert detect("Die Regierung hat die Steuern erhöht") == "de"
    assert detect("We have less Americans working now than in the 70s.") == "en"
    assert detect("Trump") is None
