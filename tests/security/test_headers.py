"""Headers and deployment (security.md items 21 and 22): CSP enforced with no inline script and
frame-ancestors 'none'; `check --deploy` clean with production settings."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
KECHUANG = str(Path(sys.executable).with_name("kechuang"))
STRONG_KEY = "k" * 20 + "Q7v!x9#LmZ2@pR4$wT6^yU8&iO0*aS1(dF3)gH5"


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/enterprises/", "/no-such-page/"])
def test_every_page_carries_the_policy(users, path):
    client = Client()
    if path != "/accounts/login/":
        client.force_login(users["staff"])
    response = client.get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _templates() -> list[Path]:
    skip = {".venv", "var", "node_modules", ".git"}
    return [p for p in ROOT.rglob("*.html") if not skip & set(p.relative_to(ROOT).parts)]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    templates = _templates()
    assert len(templates) > 50
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:60]}")
    assert offenders == []


def test_the_inline_script_check_catches_what_it_should():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert JS_URL.search('<a href="javascript:go()">')


def _production_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "KECHUANG_DEBUG": "0",
            "KECHUANG_SECRET_KEY": STRONG_KEY,
            "KECHUANG_ALLOWED_HOSTS": "kc.example.gov.cn",
            "KECHUANG_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "KECHUANG_VAR_DIR": str(tmp_path),
        }
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # A production site that drills its restores monthly (item 26; without it the check warns,
    # tests/security/test_drill.py).
    (tmp_path / "backups").mkdir()
    today = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    (tmp_path / "backups" / "drills.log").write_text(json.dumps({"at": today, "ok": True}) + "\n")
    done = subprocess.run(
        [KECHUANG, "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_settings_turn_on_hsts_secure_cookies_and_initial_password_change(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.DEBUG, s.PASSWORD_CHANGE_INITIAL, s.PASSWORD_EXPIRY_DAYS)"
    )
    done = subprocess.run(
        [KECHUANG, "shell", "-c", code],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1].split() == [
        "31536000",
        "True",
        "True",
        "True",
        "False",
        "True",
        "90",
    ], done.stderr
