"""The pure rules of track records: Wilson intervals, "too few to judge", a publisher's report role."""

from __future__ import annotations

import pytest

from claims.status import Status
from claims.track_record import ORIGIN, REPEATED, judge, repeating, report_role, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Reference values of the 95 % Wilson score interval (Newcombe 1998, table I; R's binom::binom.wilson).
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_interval_matches_reference_values(successes: int, trials: int, low: float, high: float) -> None:
    interval = wilson_interval(successes, trials)
    assert interval.low == pytest.approx(low, abs=5e-4)
    assert interval.high == pytest.approx(high, abs=5e-4)


def test_wilson_interval_stays_inside_zero_and_one_and_narrows_with_more_trials() -> None:
    small, large = wilson_interval(3, 4), wilson_interval(300, 400)
    assert 0 <= small.low < 0.75 < small.high <= 1
    assert large.high - large.low < small.high - small.low


@pytest.mark.parametrize(("successes", "trials"), [(0, 0), (3, 2), (-1, 4)])
def test_wilson_interval_refuses_impossible_counts(successes: int, trials: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(successes, trials)


def test_fewer_resolved_claims_than_the_minimum_are_too_few_to_judge() -> None:
    counts = {Status.RESOLVED_TRUE: 2, Status.RESOLVED_FALSE: 2, Status.SUPPORTED: 40, Status.DISPUTED: 9}
    judgement = judge(counts, minimum=5)
    assert judgement.resolved == 4  # supported and disputed claims are not outcomes
    assert judgement.too_few
    assert judgement.rates == []


def test_enough_resolved_claims_give_a_rate_per_outcome_with_its_interval() -> None:
    judgement = judge({Status.RESOLVED_TRUE: 3, Status.RESOLVED_PARTLY: 1, Status.RESOLVED_FALSE: 1}, minimum=5)
    assert not judgement.too_few
    rates = {rate.status: rate for rate in judgement.rates}
    assert [rates[s].count for s in (Status.RESOLVED_TRUE, Status.RESOLVED_PARTLY, Status.RESOLVED_FALSE)] == [3, 1, 1]
    assert rates[Status.RESOLVED_TRUE].share == pytest.approx(0.6)
    assert rates[Status.RESOLVED_TRUE].interval == wilson_interval(3, 5)
    assert sum(rate.share for rate in judgement.rates) == pytest.approx(1)


def test_the_minimum_is_at_least_one() -> None:
    with pytest.raises(ValueError):
        judge({}, minimum=0)


def test_a_publisher_repeated_a_claim_only_when_every_one_of_its_reports_repeats_another_source() -> None:
    assert report_role([True, True]) == REPEATED
    assert report_role([True, False]) == ORIGIN
    assert report_role([False]) == ORIGIN


def test_a_source_repeats_a_carrier_it_derives_from_but_a_loop_is_one_origin() -> None:
    # copy <- rewrite <- scoop; the scoop and the copy carry the claim, the rewrite does not.
    upstream = {"copy": {"rewrite", "scoop"}, "rewrite": {"scoop"}}
    assert repeating({"scoop", "copy"}, upstream) == {"copy"}
    assert repeating({"rewrite"}, upstream) == set()  # nothing upstream carries it
    loop = {"a": {"b"}, "b": {"a"}}
    assert repeating({"a", "b"}, loop) == set()
