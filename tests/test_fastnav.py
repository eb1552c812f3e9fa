"""The fast navigation renderer writes the same sidebar as Material's own templates, page for page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import CHROMIUM, CHROMIUM_ARGS, Builder

from trustbinder.audience import fastnav
from trustbinder.builder import build_one


def primary_sidebar(html: str) -> str:
    """The primary sidebar's markup with whitespace next to tags removed (neither renderer's whitespace shows)."""
    start = html.index('<div class="md-sidebar md-sidebar--primary"')
    end = html.find('<div class="md-sidebar md-sidebar--secondary"', start)
    if end < 0:
        end = html.index('<div class="md-content"', start)
    markup = re.sub(r"\s+", " ", html[start:end])
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))


def configure(program: Path, *, fast: bool, features: list[str] | None = None, extra: dict | None = None) -> None:
    config_file = program / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = []
    for plugin in config["plugins"]:
        name, options = (plugin, {}) if isinstance(plugin, str) else next(iter(plugin.items()))
        if name == "trustbinder/audience":
            options = {**(options or {}), "fast_navigation": fast}
        plugins.append({name: options} if options else name)
    config["plugins"] = plugins
    if features is not None:
        config["theme"]["features"] = features
    if extra is not None:
        config["extra"] = extra
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def both_renderings(program: Path, audience: str, tmp_path: Path) -> tuple[Path, Path]:
    sites = []
    for fast in (False, True):
        configure(program, fast=fast)
        site = tmp_path / f"{audience}-{'fast' if fast else 'material'}"
        build_one(str(program / "mkdocs.yml"), audience, str(site))
        sites.append(site)
    return sites[0], sites[1]


def assert_same_navigation(material: Path, fast: Path) -> int:
    pages = sorted(p.relative_to(material) for p in material.rglob("*.html"))
    assert pages == sorted(p.relative_to(fast) for p in fast.rglob("*.html"))
    for page in pages:
        expected = primary_sidebar((material / page).read_text(encoding="utf-8"))
        assert primary_sidebar((fast / page).read_text(encoding="utf-8")) == expected, page
    return len(pages)


@pytest.mark.parametrize("audience", ["public", "internal", "auditor"])
def test_starter_sites_have_materials_navigation_on_every_page(starter: Path, tmp_path: Path, audience: str) -> None:
    material, fast = both_renderings(starter, audience, tmp_path)
    assert assert_same_navigation(material, fast) >= 5
    # The build with the option on really used the fast renderer: its whitespace differs from Material's.
    home = "index.html"
    assert (fast / home).read_text(encoding="utf-8") != (material / home).read_text(encoding="utf-8")


FEATURE_SETS = [
    [],
    ["navigation.tabs", "navigation.sections", "navigation.indexes"],
    ["navigation.expand", "navigation.prune", "toc.integrate"],
    ["navigation.tabs", "navigation.prune", "navigation.indexes"],
]


@pytest.mark.parametrize("features", FEATURE_SETS, ids=lambda f: "+".join(f) or "no-features")
def test_navigation_features_icons_and_statuses_match(mini: Path, tmp_path: Path, features: list[str]) -> None:
    policy = next((mini / "content" / "policies").glob("*.md"))
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("---\n", "---\nicon: material/shield-lock\nstatus: new\n", 1), encoding="utf-8")
    sites = []
    for fast in (False, True):
        configure(mini, fast=fast, features=features, extra={"status": {"new": "Recently changed"}})
        site = tmp_path / f"{'fast' if fast else 'material'}"
        build_one(str(mini / "mkdocs.yml"), "internal", str(site))
        sites.append(site)
    assert assert_same_navigation(*sites) >= 3
    page = sites[1] / policy.relative_to(mini / "content").with_suffix("") / "index.html"
    sidebar = primary_sidebar(page.read_text(encoding="utf-8"))
    assert 'title="Recently changed"' in sidebar and "<svg" in sidebar


def test_a_custom_dir_that_overrides_the_navigation_keeps_it(mini: Path, build_site: Builder) -> None:
    partials = mini / "overrides" / "partials"
    partials.mkdir(parents=True)
    (partials / "nav-item.html").write_text(
        '{% macro render(nav_item, path, level, parent) %}<li class="custom-nav">{{ nav_item.title }}</li>'
        "{% endmacro %}\n",
        encoding="utf-8",
    )
    config_file = mini / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    site = build_site(mini, "public")
    assert '<li class="custom-nav">' in (site / "index.html").read_text(encoding="utf-8")


def test_unknown_material_partials_turn_the_renderer_off(tmp_path: Path) -> None:
    theme = tmp_path / "theme" / "partials"
    theme.mkdir(parents=True)
    for name in fastnav.KNOWN_PARTIALS:
        (tmp_path / "theme" / name).write_text("{# a different version #}\n", encoding="utf-8")
    reason = fastnav.unsupported_reason("material", [str(tmp_path / "theme")], ["search"])
    assert reason is not None and "nav.html" in reason
    assert fastnav.unsupported_reason("mkdocs", [], []) == "the theme is 'mkdocs', not Material"


def test_the_installed_material_is_one_the_renderer_matches() -> None:
    import material

    templates = Path(material.__file__).parent / "templates"
    assert fastnav.unsupported_reason("material", [str(templates)], ["search"]) is None, (
        "mkdocs-material's navigation partials changed: compare them with trustbinder/audience/fastnav.py, "
        "update the renderer and add the new SHA-256 to KNOWN_PARTIALS"
    )


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_both_navigations_look_the_same_in_a_browser(starter: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    material, fast = both_renderings(starter, "internal", tmp_path)
    page_path = next(p for p in sorted(material.glob("policies/*/index.html")))
    shots: dict[str, list[bytes]] = {"material": [], "fast": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, site in (("material", material), ("fast", fast)):
                for width in (1280, 600):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto((site / page_path.relative_to(material)).as_uri())
                    if width < 1220:
                        page.click('label.md-header__button[for="__drawer"]')
                        page.wait_for_timeout(400)
                    shots[name].append(page.screenshot())
                    page.close()
        finally:
            browser.close()
    assert shots["material"] == shots["fast"]
