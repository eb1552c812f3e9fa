"""The audience plugin's hooks, called on a validated MkDocsConfig without a full build."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel, get_files
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from trustbinder.audience.plugin import AudiencePlugin


def configured(program: Path, audience: str, **overrides: object) -> tuple[MkDocsConfig, AudiencePlugin]:
    config = load_config(str(program / "mkdocs.yml"), **overrides)
    plugin = config.plugins["trustbinder/audience"]
    assert isinstance(plugin, AudiencePlugin)
    plugin.config.audience = audience
    config = config.plugins.on_config(config)
    return config, plugin


def inclusion(program: Path, audience: str) -> dict[str, InclusionLevel]:
    config, plugin = configured(program, audience)
    files = plugin.on_files(get_files(config), config=config)
    assert files is not None
    return {
        f.src_uri: f.inclusion
        for f in files
        if not f.src_uri.startswith(("assets/javascripts", "assets/stylesheets", "assets/images"))
    }


def test_public_build_excludes_higher_pages_data_files_and_their_images(mini: Path) -> None:
    levels = inclusion(mini, "public")
    excluded = {uri for uri, level in levels.items() if level is InclusionLevel.EXCLUDED}
    assert excluded == {
        "policies/access.md",
        "procedures/review.md",
        "narratives/system.md",
        "policies/img/network.png",
        "controls.yml",
        "audit.yml",
        "trust.yml",
    }


def test_internal_build_excludes_auditor_pages_only(mini: Path) -> None:
    levels = inclusion(mini, "internal")
    excluded = {uri for uri, level in levels.items() if level is InclusionLevel.EXCLUDED}
    assert excluded == {
        "procedures/review.md",
        "narratives/system.md",
        "controls.yml",
        "audit.yml",
        "trust.yml",
    }


def test_auditor_build_keeps_every_page_but_never_data_files(mini: Path) -> None:
    levels = inclusion(mini, "auditor")
    excluded = {uri for uri, level in levels.items() if level is InclusionLevel.EXCLUDED}
    assert excluded == {"controls.yml", "audit.yml", "trust.yml"}


def test_explicit_nav_naming_an_excluded_page_loses_that_link(mini: Path) -> None:
    edit(
        mini / "mkdocs.yml",
        "plugins:",
        "nav:\n  - index.md\n  - Policies:\n    - policies/security.md\n"
        "    - Access (staff): policies/access.md\n  - Audit:\n    - procedures/review.md\nplugins:",
    )
    config, plugin = configured(mini, "public")
    files = plugin.on_files(get_files(config), config=config)
    assert files is not None
    nav = plugin.on_nav(get_navigation(files, config), config=config, files=files)
    assert nav is not None
    assert len(nav.items) == 2  # the home page and Policies; the Audit section lost its only page
    policies = nav.items[1]
    assert policies.title == "Policies"
    assert [child.file.src_uri for child in policies.children] == ["policies/security.md"]
    assert [page.file.src_uri for page in nav.pages] == ["index.md", "policies/security.md"]


def test_read_source_hands_mkdocs_the_stripped_body_and_a_safe_title(mini: Path) -> None:
    edit(
        mini / "content" / "policies" / "security.md",
        "title: Security Policy",
        'title: "Security <b>& Privacy</b>"',
    )
    config, plugin = configured(mini, "public")
    files = plugin.on_files(get_files(config), config=config)
    assert files is not None
    file = files.get_file_from_path("policies/security.md")
    assert file is not None
    page = Page(None, file, config)
    page.read_source(config)
    assert page.title == "Security &lt;b&gt;&amp; Privacy&lt;/b&gt;"
    assert "breakglass" not in page.markdown and "tighten this section" not in page.markdown
    assert "owner" not in page.meta


def test_program_errors_stop_the_build_with_every_problem_listed(mini: Path) -> None:
    edit(mini / "content" / "policies" / "access.md", 'version: "2.0"', "version: 2.0")
    edit(mini / "content" / "controls.yml", "status: in-progress", "status: soon")
    with pytest.raises(PluginError) as caught:
        configured(mini, "internal")
    message = str(caught.value)
    assert "content/policies/access.md:6: error: key 'version'" in message
    assert "content/controls.yml:32: error: key 'controls[2].status'" in message


def test_internal_link_to_auditor_page_stops_the_internal_build(mini: Path) -> None:
    edit(
        mini / "content" / "policies" / "access.md",
        "Access is granted",
        "See [the review](../procedures/review.md). Access is granted",
    )
    with pytest.raises(
        PluginError,
        match=r"content/policies/access.md:15: error: links to content/procedures/review.md \(audience: auditor\)",
    ):
        configured(mini, "internal")
    configured(mini, "auditor")  # the auditor sees both pages: no error


def test_disabled_plugin_changes_nothing(mini: Path) -> None:
    edit(mini / "mkdocs.yml", "  - trustbinder/audience", "  - trustbinder/audience:\n      enabled: false")
    config, plugin = configured(mini, "public")
    files = plugin.on_files(get_files(config), config=config)
    assert files is not None
    levels = {f.src_uri: f.inclusion for f in files}
    assert not levels["policies/access.md"].is_excluded()
    assert not levels["controls.yml"].is_excluded()


@pytest.mark.parametrize(
    ("audience", "name"),
    [("public", "Mini Trust Center"), ("internal", "Mini Corp Policy Handbook"), ("auditor", "Mini Corp Audit Binder")],
)
def test_each_site_is_named_for_its_readers(mini: Path, audience: str, name: str) -> None:
    config, _ = configured(mini, audience)
    assert config.site_name == name
