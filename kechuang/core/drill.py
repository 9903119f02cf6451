"""The restore drill (security.md item 26): a timed restore of the newest backup into a scratch
database, proved the same way as a real recovery (the file matches its manifest, the restored rows
match the manifest's digest, `migrate --check` finds nothing to apply, the audit chain verifies),
appended as one JSON line to var/backups/drills.log. A system check warns in production when the
last successful drill is missing or older than BACKUP_DRILL_MAX_AGE_DAYS (35)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import os
import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.db import DatabaseError, connections
from django.db.utils import load_backend

from kechuang.core.backup import (
    BackupError,
    _sqlite_restore,
    database_digest,
    pg_restore_into,
    verify_backup_file,
)

__all__ = ["backup_drill", "drill_check", "drill_log_path", "last_drill", "latest_backup"]

SCRATCH = "kechuang_drill"  # the connection alias of the scratch database while a drill runs


def backups_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def drill_log_path() -> Path:
    return backups_dir() / "drills.log"


def latest_backup(folder: Path, vendor: str) -> Path | None:
    """The newest backup of this kind of database in `folder` (one with a manifest beside it)."""
    suffix = ".sqlite3" if vendor == "sqlite" else ".pgdump"
    found = [p for p in folder.glob(f"*{suffix}") if p.with_name(p.name + ".json").is_file()]
    return max(found, key=lambda p: (p.stat().st_mtime, p.name), default=None)


@contextlib.contextmanager
def _scratch_connection(name: str):
    """A Django connection to the scratch database under the alias SCRATCH (so `migrate` and
    the ORM can use it), removed afterwards. It is not added to the configured databases: it
    lives only for the drill."""
    config = copy.deepcopy(connections["default"].settings_dict)
    config["NAME"] = name
    connections[SCRATCH] = load_backend(config["ENGINE"]).DatabaseWrapper(config, SCRATCH)
    try:
        yield connections[SCRATCH]
    finally:
        connections[SCRATCH].close()
        del connections[SCRATCH]


def _pg_admin(sql: str) -> None:
    """CREATE / DROP DATABASE run outside a transaction on a connection of their own."""
    import psycopg

    params = connections["default"].get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(sql)


def _check_restored(scratch, manifest, vendor: str) -> dict:
    from kechuang.core.models import Event, verify_chain

    scratch.ensure_connection()
    digest, tables = database_digest(scratch.connection, vendor)
    if digest != manifest.digest:
        raise BackupError("the restored database does not match the backup's digest")
    try:
        # --plan prints "No planned migration operations." whatever the verbosity: keep it out.
        call_command("migrate", database=SCRATCH, check=True, plan=True, verbosity=0, stdout=io.StringIO())
    except SystemExit as exc:
        raise BackupError("the backup predates this version's migrations (migrate --check)") from exc
    problems = list(verify_chain(using=SCRATCH))
    if problems:
        raise BackupError(f"audit chain broken at event {problems[0][0]} ({problems[0][1]})")
    return {
        "rows": sum(tables.values()),
        "digest": digest,
        "audit_events": Event.objects.using(SCRATCH).count(),
    }


def backup_drill(src: Path | None = None, *, log: Path | None = None) -> dict:
    """Restore `src` (default: the newest backup in var/backups/) into a scratch database, check
    it, remove the scratch database and append the outcome to the drill log. Returns the entry;
    `ok` is False (and `error` says why) when any step failed."""
    vendor = connections["default"].vendor
    log = log or drill_log_path()
    started = time.monotonic()
    entry: dict = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "backup": str(src) if src else None,
        "ok": False,
    }
    scratch_name = None
    try:
        if src is None:
            src = latest_backup(backups_dir(), vendor)
            if src is None:
                raise BackupError(f"no {vendor} backup with a manifest in {backups_dir()}")
            entry["backup"] = str(src)
        manifest = verify_backup_file(Path(src), vendor)
        entry["backup_created"] = manifest.created
        if vendor == "sqlite":
            log.parent.mkdir(parents=True, exist_ok=True)
            scratch_name = str(log.parent / f"drill-{os.getpid()}.sqlite3")
            target = sqlite3.connect(scratch_name)
            try:
                _sqlite_restore(Path(src), target)
            finally:
                target.close()
        else:
            scratch_name = f"{connections['default'].settings_dict['NAME']}_drill"
            _pg_admin(f'DROP DATABASE IF EXISTS "{scratch_name}"')
            _pg_admin(f'CREATE DATABASE "{scratch_name}"')
            pg_restore_into(Path(src), connections["default"].settings_dict, scratch_name)
        entry["restore_seconds"] = round(time.monotonic() - started, 3)
        with _scratch_connection(scratch_name) as scratch:
            entry.update(_check_restored(scratch, manifest, vendor))
        entry["ok"] = True
    except (BackupError, DatabaseError, OSError) as exc:
        entry["error"] = str(exc)[:2000]
    finally:
        if scratch_name and vendor == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(scratch_name + suffix).unlink(missing_ok=True)
        elif scratch_name:
            with contextlib.suppress(Exception):  # cleanup must not hide the drill's own outcome
                _pg_admin(f'DROP DATABASE IF EXISTS "{scratch_name}"')
        entry["seconds"] = round(time.monotonic() - started, 3)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    return entry


def last_drill(log: Path) -> dt.datetime | None:
    """When the last successful drill in the log ran (None: no log or no success)."""
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            entry = json.loads(line)
            if entry.get("ok") is True:
                return dt.datetime.fromisoformat(entry["at"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged line does not hide an older good one
    return None


def drill_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`kechuang check`: warn in production when no successful drill is recorded in the last
    BACKUP_DRILL_MAX_AGE_DAYS days (GB/T 20988: a recovery plan that is not rehearsed fails)."""
    if settings.DEBUG:
        return []
    log = drill_log_path()
    days = getattr(settings, "BACKUP_DRILL_MAX_AGE_DAYS", 35)
    hint = "Run `kechuang backup-drill` at least monthly (docs/security.md, item 26)."
    last = last_drill(log)
    if last is None:
        return [
            checks.Warning(
                f"No successful restore drill is recorded in {log}.", hint=hint, id="kechuang.W001"
            )
        ]
    age = dt.datetime.now(dt.UTC) - last
    if age > dt.timedelta(days=days):
        return [
            checks.Warning(
                f"The last successful restore drill ran {age.days} days ago ({last:%Y-%m-%d}); "
                f"the limit is {days} days.",
                hint=hint,
                id="kechuang.W002",
            )
        ]
    return []
