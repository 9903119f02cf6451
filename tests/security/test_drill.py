"""The restore drill and its system check (security.md item 26)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from kechuang.core.backup import read_manifest
from kechuang.core.drill import drill_check
from kechuang.core.models import Event, EventAction


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _log(var_dir) -> list[dict]:
    return [json.loads(line) for line in (var_dir / "backups" / "drills.log").read_text().splitlines()]


def _backup(var_dir, name="kc"):
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    dest = var_dir / "backups" / f"{name}.{suffix}"
    call_command("backup", str(dest))
    return dest


def test_a_drill_restores_the_newest_backup_checks_it_and_logs_it(transactional_db, users, var_dir, capsys):
    _backup(var_dir, "older")
    newest = _backup(var_dir, "newer")
    manifest = read_manifest(newest)
    call_command("backup-drill")
    out = capsys.readouterr().out
    assert "Restore drill passed" in out and str(newest) in out
    (entry,) = _log(var_dir)
    assert entry["ok"] is True and entry["backup"] == str(newest)
    assert entry["rows"] == sum(manifest.tables.values()) and entry["digest"] == manifest.digest
    assert entry["seconds"] >= entry["restore_seconds"] > 0
    # The scratch database is gone.
    assert not list((var_dir / "backups").glob("drill-*"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", ["%\\_drill"])
            assert cur.fetchone()[0] == 0
    (event,) = Event.objects.filter(action=EventAction.BACKUP_DRILL)
    assert event.data["ok"] is True


def test_a_damaged_backup_fails_the_drill_and_the_failure_is_logged(transactional_db, users, var_dir):
    dest = _backup(var_dir)
    data = bytearray(dest.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dest.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("backup-drill")
    (entry,) = _log(var_dir)
    assert entry["ok"] is False and "SHA-256" in entry["error"]


def test_no_backup_is_a_failed_drill(db, var_dir):
    with pytest.raises(CommandError, match="no .* backup with a manifest"):
        call_command("backup-drill")
    assert _log(var_dir)[0]["ok"] is False


def _write_log(var_dir, *entries):
    path = var_dir / "backups" / "drills.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in entries))


def _ago(days: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")


def test_the_check_warns_in_production_when_the_last_drill_is_missing_or_old(settings, var_dir):
    settings.DEBUG = False
    assert [m.id for m in drill_check()] == ["kechuang.W001"]
    _write_log(var_dir, {"at": _ago(36), "ok": True})
    (warning,) = drill_check()
    assert warning.id == "kechuang.W002" and "36 days ago" in warning.msg
    _write_log(var_dir, {"at": _ago(34), "ok": True})
    assert drill_check() == []
    # A failed drill does not count; a damaged line does not hide the good one before it.
    _write_log(var_dir, {"at": _ago(40), "ok": True}, {"at": _ago(1), "ok": False}, '"x"', "{garbage")
    assert [m.id for m in drill_check()] == ["kechuang.W002"]
    settings.DEBUG = True
    assert drill_check() == []


def test_kechuang_check_deploy_reports_it(settings, var_dir):
    settings.DEBUG = False
    call_command("check", fail_level="WARNING")  # a deployment check: plain `check` is quiet
    with pytest.raises(SystemCheckError, match="kechuang.W001"):
        call_command("check", deploy=True, fail_level="WARNING", tags=["kechuang"])
    _write_log(var_dir, {"at": _ago(2), "ok": True})
    call_command("check", deploy=True, fail_level="WARNING", tags=["kechuang"])
