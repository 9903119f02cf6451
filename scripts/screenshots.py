"""Screenshots of the demo for the README and docs/img/ (issue 10).

Usage: build the demo first (`make demo`, or `kechuang demo --no-serve` with KECHUANG_VAR_DIR),
then run the server it made and this script against it:

    KECHUANG_DEMO_PASSWORD=... .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000

Chromium is Debian's (`apt-get install chromium`), as in tests/browser/.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"
# (file, user, path, full page?)
PAGES = [
    ("dashboard", "leader", "/dispatch/?year=2023&month=6", False),
    ("monthly-report", "bijiang", "/dispatch/reports/?year=2023&month=6", False),
    ("enterprise-file", "staff", "/enterprises/pool/2023/", False),
    ("review", "expert1", "/projects/reviews/", False),
    ("warnings", "staff", "/dispatch/warnings/?year=2023&month=6", False),
]


def login(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def main(base: str) -> None:
    password = os.environ["KECHUANG_DEMO_PASSWORD"]
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for name, user, path, full in PAGES:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
            page = context.new_page()
            login(page, base, user, password)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if name == "enterprise-file":  # a member of the cultivation pool, evaluated in the demo
                page.locator("main table tbody a[href^='/enterprises/']").first.click()
                page.wait_for_load_state("networkidle")
                page.locator("#evaluation").scroll_into_view_if_needed()
            if name == "monthly-report":
                page.locator("main table tbody a").first.click()
                page.wait_for_load_state("networkidle")
            if name == "review":
                page.locator("main table tbody a").first.click()
                page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
            context.close()
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
