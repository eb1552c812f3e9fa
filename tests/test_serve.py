"""`trustbinder serve` previews the audience asked for, on every rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit
from mkdocs.config import load_config

from trustbinder.cli import main
from trustbinder.commands.serve import loader_for


@pytest.mark.parametrize("audience", ["public", "internal", "auditor"])
def test_every_reload_is_built_for_the_chosen_audience(mini: Path, audience: str) -> None:
    load = loader_for(audience, load_config)
    for _ in range(2):  # MkDocs loads the config afresh for each rebuild
        config = load(config_file=str(mini / "mkdocs.yml"))
        assert config.plugins["trustbinder/audience"].config.audience == audience


def test_preview_refuses_a_config_without_the_audience_plugin(mini: Path) -> None:
    edit(mini / "mkdocs.yml", "  - trustbinder/audience\n", "")
    result = CliRunner().invoke(main, ["serve", "-f", str(mini / "mkdocs.yml")])
    assert result.exit_code != 0
    assert "'trustbinder/audience' plugin is not enabled" in result.output


@pytest.mark.parametrize(("audience", "watched"), [("public", False), ("internal", False), ("auditor", True)])
def test_evidence_folder_is_watched_only_where_evidence_is_shown(mini: Path, audience: str, watched: bool) -> None:
    config = loader_for(audience, load_config)(config_file=str(mini / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert (str((mini / "evidence").resolve()) in config.watch) is watched
