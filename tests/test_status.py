"""The status rule, case by case (claims.status.derive_status)."""

from datetime import date

import pytest

from claims.status import Stance, Status, TimelineEntry, derive_status

D = date.fromisoformat
TODAY = D("2026-11-26")


def entry(day: str, stance: Stance, retracted: bool = False) -> TimelineEntry:
    return TimelineEntry(when=D(day), stance=stance, retracted=retracted)


def test_nothing_yet_is_unverified() -> None:
    assert derive_status([], today=TODAY) is Status.UNVERIFIED


def test_context_alone_changes_nothing() -> None:
    assert derive_status([entry("2022-01-01", Stance.CONTEXT)], today=TODAY) is Status.UNVERIFIED


@pytest.mark.parametrize(
    ("stances", "expected"),
    [
        ([Stance.SUPPORTS], Status.SUPPORTED),
        ([Stance.SUPPORTS, Stance.SUPPORTS], Status.SUPPORTED),
        ([Stance.DENIES], Status.DENIED),
        ([Stance.SUPPORTS, Stance.DENIES], Status.DISPUTED),
        ([Stance.DISPUTES], Status.DISPUTED),
        ([Stance.SUPPORTS, Stance.DISPUTES], Status.DISPUTED),
        ([Stance.SUPPORTS, Stance.CONTEXT], Status.SUPPORTED),
    ],
)
def test_support_denial_and_dispute(stances: list[Stance], expected: Status) -> None:
    events = [entry(f"2022-10-{10 + i}", s) for i, s in enumerate(stances)]
    assert derive_status(events, today=TODAY) is expected


def test_resolution_overrides_earlier_denials() -> None:
    events = [
        entry("2022-10-11", Stance.DENIES),
        entry("2022-10-12", Stance.DENIES),
        entry("2023-09-12", Stance.RESOLVES_TRUE),
    ]
    assert derive_status(events, today=TODAY) is Status.RESOLVED_TRUE


def test_latest_resolution_wins() -> None:
    events = [entry("2022-11-10", Stance.RESOLVES_FALSE), entry("2023-09-12", Stance.RESOLVES_PARTLY)]
    assert derive_status(events, today=TODAY) is Status.RESOLVED_PARTLY
    assert derive_status(list(reversed(events)), today=TODAY) is Status.RESOLVED_PARTLY


def test_later_support_does_not_undo_a_resolution() -> None:
    events = [entry("2022-11-10", Stance.RESOLVES_FALSE), entry("2024-01-01", Stance.SUPPORTS)]
    assert derive_status(events, today=TODAY) is Status.RESOLVED_FALSE


def test_same_day_resolutions_take_the_cautious_one() -> None:
    events = [entry("2023-09-12", Stance.RESOLVES_TRUE), entry("2023-09-12", Stance.RESOLVES_PARTLY)]
    assert derive_status(events, today=TODAY) is Status.RESOLVED_PARTLY


def test_prediction_becomes_due_once_the_deadline_passes() -> None:
    deadline = D("2022-12-25")
    events = [entry("2022-10-02", Stance.SUPPORTS)]
    before = derive_status(events, is_prediction=True, deadline=deadline, today=D("2022-12-25"))
    after = derive_status(events, is_prediction=True, deadline=deadline, today=D("2022-12-26"))
    assert before is Status.SUPPORTED
    assert after is Status.DUE


def test_due_applies_only_to_predictions() -> None:
    events = [entry("2022-10-02", Stance.SUPPORTS)]
    assert derive_status(events, is_prediction=False, deadline=D("2022-12-25"), today=TODAY) is Status.SUPPORTED


def test_resolution_beats_due() -> None:
    events = [entry("2023-09-12", Stance.RESOLVES_PARTLY)]
    status = derive_status(events, is_prediction=True, deadline=D("2022-12-25"), today=TODAY)
    assert status is Status.RESOLVED_PARTLY


def test_retracted_events_no_longer_count() -> None:
    events = [entry("2022-10-11", Stance.SUPPORTS), entry("2022-10-12", Stance.DENIES, retracted=True)]
    assert derive_status(events, today=TODAY) is Status.SUPPORTED


def test_events_after_today_are_not_known_yet() -> None:
    events = [entry("2022-10-11", Stance.DENIES), entry("2023-09-12", Stance.RESOLVES_TRUE)]
    assert derive_status(events, today=D("2023-01-01")) is Status.DENIED
    assert derive_status(events, today=D("2023-09-12")) is Status.RESOLVED_TRUE


def test_prediction_known_on_a_past_date_was_not_due_before_its_deadline() -> None:
    events = [entry("2023-09-12", Stance.RESOLVES_PARTLY)]
    kwargs = {"is_prediction": True, "deadline": D("2022-12-25")}
    assert derive_status(events, today=D("2022-12-01"), **kwargs) is Status.UNVERIFIED
    assert derive_status(events, today=D("2023-01-15"), **kwargs) is Status.DUE
    assert derive_status(events, today=D("2023-09-13"), **kwargs) is Status.RESOLVED_PARTLY
