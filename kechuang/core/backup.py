"""Online backups and verified restores (security.md items 24 and 26).

SQLite: the online backup API copies a consistent snapshot while the server keeps writing (WAL),
then `PRAGMA integrity_check` must say "ok". PostgreSQL: `pg_dump --format=custom`, then
`pg_restore --list` must read the archive back. Each backup has a manifest beside it
(`<file>.json`): the file's SHA-256, the row count of every table and a digest of every row, so
a restore proves it brought back exactly what was saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

__all__ = [
    "BackupError",
    "Manifest",
    "backup_database",
    "database_digest",
    "file_sha256",
    "read_manifest",
    "restore_database",
    "table_digests",
]


class BackupError(Exception):
    """A backup or restore that cannot be trusted; the message says why."""


@dataclass(frozen=True)
class Manifest:
    vendor: str
    created: str
    sha256: str
    digest: str
    tables: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "vendor": self.vendor,
            "created": self.created,
            "sha256": self.sha256,
            "digest": self.digest,
            "tables": self.tables,
        }


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_manifest(path: Path) -> Manifest:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{manifest_path(path)}: no readable manifest ({exc})") from exc


# Digests over a DB-API connection, so a fresh database that Django does not know can be checked.


def _tables(conn, vendor: str) -> list[str]:
    cur = conn.cursor()
    if vendor == "sqlite":
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [row[0] for row in cur.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_digests(conn, vendor: str) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the rows in a stable order) for every table."""
    out: dict[str, tuple[int, str]] = {}
    for table in _tables(conn, vendor):
        cur = conn.cursor()
        columns = "*"
        if vendor == "sqlite":
            # quote() renders each value as its SQL literal, whatever type converters the
            # connection has registered (Django's turn dates into objects, a raw one does not).
            cur.execute(f"PRAGMA table_info({_quote(table)})")
            columns = ", ".join(f"quote({_quote(row[1])})" for row in cur.fetchall())
        cur.execute(f"SELECT {columns} FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        h = hashlib.sha256()
        rows = sorted(repr(tuple(row)) for row in cur.fetchall())
        for row in rows:
            h.update(row.encode("utf-8"))
            h.update(b"\n")
        out[table] = (len(rows), h.hexdigest())
    return out


def database_digest(conn, vendor: str) -> tuple[str, dict[str, int]]:
    """One digest over every table's rows, and the row counts."""
    per_table = table_digests(conn, vendor)
    h = hashlib.sha256()
    for table, (count, digest) in sorted(per_table.items()):
        h.update(f"{table}:{count}:{digest}\n".encode())
    return h.hexdigest(), {table: count for table, (count, _d) in per_table.items()}


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_integrity(conn) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise BackupError("integrity check failed: " + "; ".join(map(str, result[:5])))


def _sqlite_backup(alias: str, dest: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(dest)
    try:
        connection.connection.backup(target)
        _sqlite_integrity(target)
    finally:
        target.close()


def _sqlite_restore(src: Path, target_conn) -> None:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        _sqlite_integrity(source)
        source.backup(target_conn)
    finally:
        source.close()
    _sqlite_integrity(target_conn)


# PostgreSQL -----------------------------------------------------------------------------------


def pg_environment(settings_dict: dict, name: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore (the password is passed in
    PGPASSWORD, never on the command line)."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", name or settings_dict["NAME"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools")
    return found


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[:2000]}")
    return done


def _pg_backup(alias: str, dest: Path) -> None:
    args, env = pg_environment(connections[alias].settings_dict)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dest), *args], env)
    listing = _run([_tool("pg_restore"), "--list", str(dest)], env)
    if "TABLE DATA" not in listing.stdout:
        raise BackupError(f"{dest}: the archive holds no table data")


def pg_restore_into(src: Path, settings_dict: dict, name: str | None = None) -> None:
    args, env = pg_environment(settings_dict, name)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(src),
        ],
        env,
    )


# Entry points ---------------------------------------------------------------------------------


def _digest_alias(alias: str) -> tuple[str, dict[str, int]]:
    connection = connections[alias]
    connection.ensure_connection()
    return database_digest(connection.connection, connection.vendor)


def backup_database(dest: Path, alias: str = "default") -> Manifest:
    """Write a consistent, checked backup of the database to `dest` and its manifest beside it.

    The digest is taken from the backup itself (SQLite) or from the database right after the
    dump (PostgreSQL, where writes that land in between would show up as a mismatch at restore)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    if dest.exists():
        raise BackupError(f"{dest} exists already; backups are never overwritten")
    if vendor == "sqlite":
        _sqlite_backup(alias, dest)
        copy = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
        try:
            digest, tables = database_digest(copy, "sqlite")
        finally:
            copy.close()
    elif vendor == "postgresql":
        _pg_backup(alias, dest)
        digest, tables = _digest_alias(alias)
    else:  # pragma: no cover - settings refuse other engines
        raise BackupError(f"no backup method for {vendor}")
    manifest = Manifest(
        vendor=vendor,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sha256=file_sha256(dest),
        digest=digest,
        tables=tables,
    )
    manifest_path(dest).write_text(json.dumps(manifest.as_dict(), indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def verify_backup_file(src: Path, vendor: str) -> Manifest:
    """The backup is the file its manifest describes, made for this kind of database."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"{src}: no such backup file")
    manifest = read_manifest(src)
    if manifest.vendor != vendor:
        raise BackupError(f"{src} is a {manifest.vendor} backup; this database is {vendor}")
    if file_sha256(src) != manifest.sha256:
        raise BackupError(f"{src}: the file does not match its manifest's SHA-256 (damaged or altered)")
    return manifest


def restore_database(src: Path, alias: str = "default") -> Manifest:
    """Replace the database's content with the backup, then prove the result equals it."""
    connection = connections[alias]
    vendor = connection.vendor
    manifest = verify_backup_file(src, vendor)
    if connection.in_atomic_block:
        raise BackupError("restore must run outside a transaction")
    connection.ensure_connection()
    if vendor == "sqlite":
        _sqlite_restore(Path(src), connection.connection)
    else:
        connection.close()
        pg_restore_into(Path(src), connection.settings_dict)
    digest, _tables_now = _digest_alias(alias)
    if digest != manifest.digest:
        raise BackupError(f"{src}: the restored database does not match the backup's digest")
    return manifest
