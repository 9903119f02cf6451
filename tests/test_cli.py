"""The `kechuang` console script as an operator uses it, in a subprocess with its own database."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KECHUANG = str(Path(sys.executable).with_name("kechuang"))
STRONG_KEY = "k" * 20 + "Q7v!x9#LmZ2@pR4$wT6^yU8&iO0*aS1(dF3)gH5"


def run(args, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    environ.update(
        {"KECHUANG_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "KECHUANG_VAR_DIR": str(tmp_path)}
    )
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(env)
    return subprocess.run([KECHUANG, *args], capture_output=True, text=True, env=environ, timeout=300)


def test_init_is_idempotent_and_loads_no_demo(tmp_path):
    first = run(["init"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "loaded" in first.stdout
    second = run(["init"], tmp_path)
    assert second.returncode == 0 and "already up to date" in second.stdout
    import sqlite3

    db = sqlite3.connect(tmp_path / "db.sqlite3")
    assert db.execute("select count(*) from org_unit").fetchone()[0] == 13
    assert db.execute("select count(*) from plan_taskitem").fetchone()[0] == 33
    assert db.execute("select count(*) from enterprises_enterprise").fetchone()[0] == 0
    assert db.execute("select count(*) from org_user").fetchone()[0] == 0


def test_demo_then_token_then_api(tmp_path):
    demo = run(["demo", "--no-serve"], tmp_path, KECHUANG_DEMO_PASSWORD="Demo-pass-2023")
    assert demo.returncode == 0, demo.stderr
    assert "Demo-pass-2023" in demo.stdout
    token = run(["token", "create", "bijiang"], tmp_path)
    assert token.returncode == 0, token.stderr
    raw = token.stdout.strip().splitlines()[-1]
    assert raw.startswith("kc_") and len(raw) > 30
    missing = run(["token", "create", "nobody"], tmp_path)
    assert missing.returncode != 0 and "nobody" in missing.stderr


def test_demo_generates_and_prints_a_password(tmp_path):
    demo = run(["demo", "--no-serve"], tmp_path)
    assert demo.returncode == 0, demo.stderr
    line = next(x for x in demo.stdout.splitlines() if "Demo password" in x)
    assert len(line.split(":", 1)[1].strip()) >= 10


def test_demo_refused_in_production(tmp_path):
    result = run(
        ["demo", "--no-serve"],
        tmp_path,
        KECHUANG_DEBUG="0",
        KECHUANG_SECRET_KEY=STRONG_KEY,
        KECHUANG_ALLOWED_HOSTS="kechuang.example",
    )
    assert result.returncode != 0
    assert "production" in result.stderr


def test_loadplan_reports_errors_by_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: x\nyear: 1800\ntitle: t\nissuer: i\nindicators: []\ntasks: []\n", encoding="utf-8")
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    result = run(["loadplan", str(bad)], tmp_path)
    assert result.returncode != 0
    assert "year: Input should be greater than or equal to 2000" in result.stderr
    assert "indicators: List should have at least 1 item" in result.stderr


def test_missing_secret_key_in_production_is_one_clear_message(tmp_path):
    result = run(["check"], tmp_path, KECHUANG_DEBUG="0")
    assert result.returncode == 2
    assert "KECHUANG_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_default_secret_key_is_refused_in_production(tmp_path):
    from kechuang.settings import DEV_SECRET_KEY

    result = run(["check"], tmp_path, KECHUANG_DEBUG="0", KECHUANG_SECRET_KEY=DEV_SECRET_KEY)
    assert result.returncode == 2 and "default or too weak" in result.stderr


def test_bad_boolean_and_bad_database_url(tmp_path):
    result = run(["check"], tmp_path, KECHUANG_DEBUG="maybe")
    assert result.returncode == 2 and "KECHUANG_DEBUG='maybe' is not a boolean" in result.stderr
    result = run(["check"], tmp_path, KECHUANG_DATABASE_URL="mysql://x@y/z")
    assert result.returncode == 2 and "unsupported database engine" in result.stderr


def test_unreachable_database_is_one_clear_message(tmp_path):
    result = run(["init"], tmp_path, KECHUANG_DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot use the database (postgresql at 127.0.0.1)" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    # A site that drills its restores (security.md item 26; without a recent drill the check warns).
    (tmp_path / "backups").mkdir()
    today = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    (tmp_path / "backups" / "drills.log").write_text(json.dumps({"at": today, "ok": True}) + "\n")
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        KECHUANG_DEBUG="0",
        KECHUANG_SECRET_KEY=STRONG_KEY,
        KECHUANG_ALLOWED_HOSTS="kechuang.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("proto, expected", [("https", 200), ("", 301)])
def test_production_trusts_the_proxy_and_redirects_plain_http(tmp_path, proto, expected):
    env = {
        "KECHUANG_DEBUG": "0",
        "KECHUANG_SECRET_KEY": STRONG_KEY,
        "KECHUANG_ALLOWED_HOSTS": "kechuang.example",
    }
    assert run(["migrate", "-v0"], tmp_path, **env).returncode == 0
    script = (
        "from django.test import Client;"
        f"r = Client().get('/healthz', HTTP_HOST='kechuang.example', HTTP_X_FORWARDED_PROTO='{proto}');"
        "print(r.status_code)"
    )
    result = run(["shell", "-c", script], tmp_path, **env)
    assert result.stdout.strip().splitlines()[-1] == str(expected), result.stderr
