"""The README documents every setting and the two commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_setting_is_documented(setting) -> None:  # type: ignore[no-untyped-def]
    assert f"`{setting.env}`" in README


def test_first_screen_gives_the_two_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make run" in first_screen and "make test" in first_screen
