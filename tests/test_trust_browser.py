"""The trust center in a real browser: headless Chromium over every page, served from localhost.

Each page must load without console errors or failed requests, must not contact any host but the local
server, and axe-core must find no serious or critical accessibility violation, in the light and dark scheme.
Set TRUSTBINDER_SCREENSHOTS to a folder to keep the screenshot of the starter's trust center there (the
README's image comes from it).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import CHROMIUM, CHROMIUM_ARGS, copy_program
from playwright.sync_api import Browser, Request, sync_playwright

from trustbinder.builder import build_one

NOVEMBER_2026 = "1793491200"
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
TRUST_CENTER_PAGES = ["", "documents/", "subprocessors/", "faq/", "404.html"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="needs Debian's chromium at /usr/bin/chromium (scripts/test.sh installs it with apt-get)",
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Served:
    site: Path
    base: str
    pages: list[str] = field(default_factory=list)


def _serve(site: Path) -> Iterator[Served]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pages = sorted(
            "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
        )
        yield Served(site, f"http://127.0.0.1:{server.server_address[1]}/", [*pages, "404.html"])
    finally:
        server.shutdown()
        server.server_close()


def _build(tmp: Path, name: str) -> Path:
    program = copy_program(name, tmp)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", NOVEMBER_2026)
        build_one(str(program / "mkdocs.yml"), "public", str(program / "site" / "public"))
    return program / "site" / "public"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(_build(tmp_path_factory.mktemp("browser"), "trust"))


@pytest.fixture(scope="module")
def starter_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(_build(tmp_path_factory.mktemp("browser"), "starter"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One browser tab that records, per visited page, every problem found."""

    AXE = Axe()

    def __init__(self, browser: Browser, served: Served) -> None:
        self.served = served
        self.local = urlsplit(served.base).netloc
        self.problems: list[str] = []
        self.page = browser.new_page()
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        self.page.on("console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _on_request(self, request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob") and url.netloc != self.local:
            self.problems.append(f"request to another host: {request.url}")

    def visit(self, path: str, *, dark: bool = False) -> list[str]:
        self.problems = []
        response = self.page.goto(self.served.base + path)
        if response is None or response.status != 200:
            self.problems.append(f"status {response.status if response else 'none'}")
        self.page.wait_for_load_state("networkidle")
        self._axe("")
        if dark:
            # The dark scheme changes colours only: the colour rules run again after switching. Material fades
            # link colours over 125 ms; checked mid-fade, axe would judge colours no reader ever settles on.
            self.page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
            self.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
            self._axe(" (dark)", {"runOnly": COLOUR_RULES})
        return [f"/{path}: {problem}" for problem in self.problems]

    def _axe(self, label: str, options: dict[str, object] | None = None) -> None:
        for violation in self.AXE.run(self.page, options=options).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(f"axe{label} {violation['impact']} {violation['id']}: {targets}")


def test_every_fixture_page_is_clean_in_light_and_dark(browser: Browser, fixture_site: Served) -> None:
    assert set(TRUST_CENTER_PAGES) < set(fixture_site.pages)
    visitor = Visitor(browser, fixture_site)
    problems = [problem for path in fixture_site.pages for problem in visitor.visit(path, dark=True)]
    assert problems == []


def test_starter_trust_center_is_clean(browser: Browser, starter_site: Served) -> None:
    """The starter's home is the user's index.md with the generated sections below it."""
    visitor = Visitor(browser, starter_site)
    problems = [problem for path in TRUST_CENTER_PAGES for problem in visitor.visit(path)]
    assert problems == []


def test_search_runs_locally_and_finds_trust_center_pages(browser: Browser, fixture_site: Served) -> None:
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(fixture_site.base)
    page.wait_for_load_state("networkidle")
    page.locator(".md-search__input").click()
    page.keyboard.type("Hetzner")
    page.wait_for_selector(".md-search-result__item")
    assert "Subprocessors" in page.locator(".md-search-result__list").inner_text()
    assert hosts == {urlsplit(fixture_site.base).netloc}
    page.close()


def test_screenshot_of_the_starter_trust_center(browser: Browser, starter_site: Served, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(starter_site.base)
    page.wait_for_load_state("networkidle")
    page.locator("details.tb-category").first.evaluate("element => element.open = true")
    shot = tmp_path / "trust-center.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    keep = os.environ.get("TRUSTBINDER_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)
