"""A write acknowledged with a 200/201 survives a crash (security.md item 25): a real server
process on a loopback port, SIGKILLed right after the answer, restarted, and the row is there.
Also the PRAGMAs the SQLite profile promises."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

KECHUANG = str(Path(sys.executable).with_name("kechuang"))

SETUP = """
from org.services import user_create
from org.models import ApiToken
user = user_create(username="crash-staff", password=None, role="staff")
print("TOKEN=" + ApiToken.issue(user)[1])
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "KECHUANG_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "KECHUANG_VAR_DIR": str(tmp_path),
            "KECHUANG_LOGIN_LOCKOUT": "0",
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env, port) -> subprocess.Popen:
    proc = subprocess.Popen(
        [KECHUANG, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not start")


def _call(port, method, path, token, body=None):
    request = urllib.request.Request(  # noqa: S310 - a loopback URL built here
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.mark.slow
def test_a_write_answered_200_survives_sigkill(tmp_path):
    env = _env(tmp_path)
    assert subprocess.run([KECHUANG, "init"], env=env, capture_output=True, timeout=300).returncode == 0
    setup = subprocess.run(
        [KECHUANG, "shell", "-c", SETUP], env=env, capture_output=True, text=True, timeout=120
    )
    token = setup.stdout.strip().rsplit("TOKEN=", 1)[-1]
    port = _free_port()
    server = _start(env, port)
    try:
        body = {
            "registration_no": "2023520602009999",
            "seller_name": "铜仁学院",
            "buyer_name": "崩溃测试买方",
            "type": "技术开发",
            "contract_value": "321.5",
            "tech_value": "300",
            "signed": "2023-04-01",
            "registered": "2023-04-20",
            "unit": "520602",
        }
        status, created = _call(port, "POST", "/api/v1/contracts", token, body)
        assert status == 201, created
        status, patched = _call(
            port,
            "PATCH",
            f"/api/v1/contracts/{created['id']}",
            token,
            {"buyer_name": "改后的买方", "version": 1},
        )
        assert status == 200, patched
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no checkpoint
        server.wait(timeout=30)
    # the WAL may still hold the commit: a fresh server must find it
    server = _start(env, port)
    try:
        status, read = _call(port, "GET", f"/api/v1/contracts/{created['id']}", token)
        assert status == 200
        assert (read["buyer_name"], read["contract_value"], read["version"]) == ("改后的买方", "321.5000", 2)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("select count(*) from transfer_techcontract").fetchone()[0] == 1


@pytest.mark.django_db
def test_the_sqlite_profile_uses_wal_and_full_sync():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its durable defaults (fsync, synchronous_commit on)")
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        assert cur.fetchone()[0] == 2  # FULL
    from django.conf import settings

    init = settings.DATABASES["default"]["OPTIONS"]["init_command"]
    assert "journal_mode=WAL" in init and "synchronous=FULL" in init


@pytest.mark.django_db
def test_postgresql_commits_are_durable():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: see the PRAGMA test")
    with connection.cursor() as cur:
        cur.execute("SHOW fsync")
        assert cur.fetchone()[0] == "on"
        cur.execute("SHOW synchronous_commit")
        assert cur.fetchone()[0] in ("on", "remote_write", "remote_apply")
