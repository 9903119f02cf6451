"""Real-browser journeys: Playwright driving Debian's Chromium against a live server on loopback.

Playwright's own browser builds cannot be downloaded here, so the tests use the distribution's
binary (`apt-get install chromium`; .ci/run installs it). Where no Chromium is found, every test
in this folder is skipped with that reason. Screenshots of each journey's key page go to
var/screenshots/ (the best are copied into docs/img/ by hand).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# The dispatch dashboard's season (three districts' high-tech output in 2022 and 2023).
from tests.dispatch.test_dashboard import season  # noqa: F401

# The project module's fixtures (a published call, experts, applications) for the expert's journey.
from tests.projects.conftest import _uploads, guide, make_application, make_expert  # noqa: F401

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("KECHUANG_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    mine = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    if chromium_path() is None:
        skip = pytest.mark.skip(
            reason="no Chromium found (apt-get install chromium, or set KECHUANG_CHROMIUM)"
        )
        for item in mine:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module. Playwright's sync API keeps an event loop running in the test
    thread, and Django refuses ORM calls from such a thread unless told it is deliberate: the
    permission lasts exactly as long as the browser (only the tests' own set-up touches the ORM,
    never concurrently with the server thread), so no other test nor a subprocess such as
    `check --deploy` inherits it."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class ConsoleErrors(list):
    """Console errors and uncaught exceptions of a page; a journey fails on any (issue 10)."""

    def attach(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.append(f"page error: {exc}"))


def _open(browser, live_server, **context_options):
    context = browser.new_context(locale="zh-CN", **context_options)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors = ConsoleErrors()
    errors.attach(pg)
    pg.base = live_server.url
    return context, pg, errors


@pytest.fixture
def page(browser, live_server):
    context, pg, errors = _open(browser, live_server, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()
    assert not errors, f"the page logged errors: {errors}"


@pytest.fixture
def phone_page(browser, live_server):
    context, pg, errors = _open(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    yield pg
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
