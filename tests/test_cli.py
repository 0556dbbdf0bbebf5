"""The claimkb command: help everywhere, init, load (good and bad files), the data directory setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from commands import main
from kb.knowledge import KnowledgeBase
from tests.test_loading import VALID


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(main), ids=lambda p: " ".join(p) or "claimkb")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_top_level_help_lists_the_settings() -> None:
    output = CliRunner().invoke(main, ["--help"]).output
    for command in ("serve", "init", "load"):
        assert command in output
    assert "CLAIMKB_DATA_DIR" in output and "CLAIMKB_STORE" in output


def revision_count(data_dir: Path) -> int:
    kb = KnowledgeBase.open(data_dir, base_iri="http://localhost:5000/")
    try:
        return kb.repository.revision_count()
    finally:
        kb.close()


def test_init_loads_the_seed_once(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["init", "--data-dir", str(tmp_path / "d")])
    assert first.exit_code == 0 and "revision 1" in first.output
    second = runner.invoke(main, ["init", "--data-dir", str(tmp_path / "d")])
    assert second.exit_code == 0 and "nothing to load" in second.output
    assert revision_count(tmp_path / "d") == 1


def test_load_a_good_file_then_a_bad_one(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "d")
    runner.invoke(main, ["init", "--no-seed", "--data-dir", data])
    good = tmp_path / "good.ttl"
    good.write_text(VALID)
    loaded = runner.invoke(main, ["load", str(good), "--data-dir", data])
    assert loaded.exit_code == 0, loaded.output
    assert "revision 1" in loaded.output
    bad = tmp_path / "bad.ttl"
    bad.write_text(VALID.replace("ck:claimType ck:statement ;", "ck:claimType ck:nonsense ;"))
    refused = runner.invoke(main, ["load", str(bad), "--data-dir", data])
    assert refused.exit_code == 1
    assert "nothing was written" in refused.output
    assert "claims/made-up" in refused.output
    assert revision_count(tmp_path / "d") == 1


def test_data_dir_comes_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "CLAIMKB_DATA_DIR": str(tmp_path / "from-env")}
    claimkb = Path(sys.executable).with_name("claimkb")
    result = subprocess.run([str(claimkb), "init"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env" / "store").is_dir()
    assert revision_count(tmp_path / "from-env") == 1
