"""The headless Chromium the site tests use (Debian's, driven by Playwright), and axe-core run in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("POWERCTL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright; Debian chromium is used)")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        manager.stop()


class Page:
    """A browser page that records errors, dialogs and every URL it asked for."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def visible_ids(self) -> list[str]:
        ids: list[str] = self.page.eval_on_selector_all(
            "#powers tbody tr", "rs => rs.filter(r => r.offsetParent !== null).map(r => r.dataset.id)"
        )
        return ids

    def count_text(self) -> str:
        text: str = self.page.inner_text("#count")
        return text

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Page]:
    t = Page(browser)
    yield t
    t.close()


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def axe_serious(tab: Page, url: str) -> list[str]:
    """axe-core's serious and critical violations of the page at url (rule id, impact and first target)."""
    from axe_playwright_python.sync_playwright import Axe

    tab.page.goto(url)
    found = Axe().run(tab.page).response["violations"]
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    return [f"{v['id']} {v['impact']} {v['nodes'][0]['target']}" for v in serious]
