"""Backups and restores (security.md item 24): back up, restore into a fresh database and into
the live one, compare digests; a damaged backup is refused."""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kechuang.core import backup


def _digest_now():
    connection.ensure_connection()
    return backup.database_digest(connection.connection, connection.vendor)


@pytest.fixture
def saved(transactional_db, users, tmp_path):
    """A backup of a database holding the plan, two enterprises and six users."""
    dest = tmp_path / ("kc.sqlite3" if connection.vendor == "sqlite" else "kc.pgdump")
    call_command("backup", str(dest))
    return dest


def test_backup_writes_a_manifest_that_matches_the_database(saved, enterprises):
    manifest = json.loads(saved.with_name(saved.name + ".json").read_text())
    digest, tables = _digest_now()
    assert manifest["digest"] == digest and manifest["sha256"] == backup.file_sha256(saved)
    assert tables["enterprises_enterprise"] == 2 and manifest["tables"]["org_user"] == 6
    assert manifest["tables"]["org_unit"] == 13


def test_restore_into_a_fresh_database_gives_the_same_digest(saved, tmp_path):
    manifest = backup.read_manifest(saved)
    if connection.vendor == "sqlite":
        fresh = sqlite3.connect(tmp_path / "fresh.sqlite3")
        backup._sqlite_restore(saved, fresh)
        digest, tables = backup.database_digest(fresh, "sqlite")
        fresh.close()
    else:
        import psycopg

        name = connection.settings_dict["NAME"] + "_restore"
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            backup.pg_restore_into(saved, connection.settings_dict, name)
            params = connection.get_connection_params()
            params["dbname"] = name
            with psycopg.connect(**params) as fresh:
                digest, tables = backup.database_digest(fresh, "postgresql")
        finally:
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert digest == manifest.digest
    assert tables["enterprises_enterprise"] == 2 and tables["org_user"] == 6


def test_restore_brings_back_changed_and_deleted_rows(saved, enterprises):
    from enterprises.models import Enterprise

    before, _tables = _digest_now()
    Enterprise.objects.filter(pk=enterprises["bijiang"].pk).update(name="改过的名字")
    Enterprise.objects.filter(pk=enterprises["wanshan"].pk).delete()
    assert _digest_now()[0] != before
    call_command("restore", str(saved), "--yes")
    assert _digest_now()[0] == before
    assert Enterprise.objects.get(pk=enterprises["bijiang"].pk).name == "碧江测试企业"
    assert Enterprise.objects.count() == 2


def test_a_damaged_backup_is_refused_and_nothing_changes(saved, enterprises):
    from enterprises.models import Enterprise

    data = bytearray(saved.read_bytes())
    data[len(data) // 2] ^= 0xFF
    saved.write_bytes(bytes(data))
    Enterprise.objects.filter(pk=enterprises["wanshan"].pk).delete()
    before, _tables = _digest_now()
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(saved), "--yes")
    assert _digest_now()[0] == before


def test_restore_asks_for_confirmation(saved):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(saved))


def test_a_backup_is_never_overwritten(saved):
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(saved))


def test_sqlite_integrity_check_refuses_a_corrupt_file(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    good = sqlite3.connect(bad)
    good.execute("create table t (a integer primary key, b text)")
    good.executemany("insert into t (b) values (?)", [("x" * 500,) for _ in range(200)])
    good.execute("create index tb on t (b)")
    good.commit()
    good.close()
    data = bytearray(bad.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\x00" * 200  # wipe part of a b-tree page
    bad.write_bytes(bytes(data))
    with pytest.raises((backup.BackupError, sqlite3.DatabaseError)):
        backup._sqlite_integrity(sqlite3.connect(bad))
