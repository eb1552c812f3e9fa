"""Printing one policy from the browser: the document and its facts, without the site around it."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS
from test_handbook_helpers import shared_build


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = shared_build(tmp_path_factory, "internal")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_policy_prints_with_its_facts_and_without_the_site_chrome(served: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None or shutil.which("pdftotext") is None:
        pytest.skip("needs chromium and pdftotext")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{served}/policies/lapsed/")
            page.emulate_media(media="print")
            shown = page.evaluate(
                """() => Object.fromEntries(
                    ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer', '.md-search',
                     '.tb-document-header', '.tb-document-record']
                    .map(s => [s, [...document.querySelectorAll(s)].some(e => e.getClientRects().length > 0)]))"""
            )
            unbroken = page.evaluate(
                """() => ['.tb-document-header', '.tb-document-record tbody tr', '.md-typeset h2']
                    .map(s => getComputedStyle(document.querySelector(s)))
                    .map(style => [style.breakInside, style.breakAfter])"""
            )
            page.pdf(path=str(tmp_path / "policy.pdf"), format="A4")
        finally:
            browser.close()
    assert shown == {
        ".md-header": False,
        ".md-sidebar--primary": False,
        ".md-sidebar--secondary": False,
        ".md-footer": False,
        ".md-search": False,
        ".tb-document-header": True,
        ".tb-document-record": True,
    }
    # The facts box and table rows stay whole on a page; a heading is not left alone at a page's foot.
    assert unbroken == [["avoid", "auto"], ["avoid", "auto"], ["avoid", "avoid"]]
    printed = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "policy.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(printed.split())
    for fact in ("Lapsed Policy", "Head of IT", "2026-01-10", "Overdue", "Revision history", "AC-02"):
        assert fact in words, fact
    for chrome in ("Soon Policy", "Onboarding Procedure", "Review schedule", "Search", "Made with"):
        assert chrome not in words, chrome  # other pages' titles live only in the navigation
