"""Chinese by default, English switchable; no untranslated string in the zh_Hans catalogue."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
ZH_RELATIVE = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The project's catalogue (base templates, core) and one per domain app.
CATALOGUES = sorted(p.relative_to(ROOT) for p in ROOT.glob(f"*/{ZH_RELATIVE}"))


def test_there_is_a_catalogue_per_domain_app():
    from django.conf import settings

    owners = {p.parts[0] for p in CATALOGUES}
    assert {"kechuang", *settings.KECHUANG_DOMAIN_APPS} <= owners


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_zh_hans_catalogue_is_complete(catalogue):
    po = polib.pofile(str(ROOT / catalogue))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_compiled_catalogue_is_current(catalogue):
    po = polib.pofile(str(ROOT / catalogue))
    mo = polib.mofile(str((ROOT / catalogue).with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in mo if e.msgid}
    source = {e.msgid: e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()} for e in po if e.msgid}
    assert compiled == source, "run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_holds_every_marked_string(tmp_path):
    """Re-extract the strings into a scratch copy; every msgid must already be in the catalogue."""
    scratch = tmp_path / "src"
    shutil.copytree(
        ROOT, scratch, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "*.pyc")
    )
    kechuang = Path(sys.executable).with_name("kechuang")
    subprocess.run(
        [
            str(kechuang),
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=tests/*",
            "--ignore=bench/*",
            "--ignore=kechuang/static/*",
            "--ignore=*/migrations/*",
        ],
        cwd=scratch,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(scratch),
            "DJANGO_SETTINGS_MODULE": "kechuang.settings",
        },
    )
    for catalogue in CATALOGUES:
        fresh = {e.msgid for e in polib.pofile(str(scratch / catalogue))}
        known = {e.msgid for e in polib.pofile(str(ROOT / catalogue))}
        assert fresh - known == set(), f"{catalogue}: run `make messages` and translate the new strings"


@pytest.mark.django_db
def test_chinese_by_default_and_english_switchable(users):
    client = Client()
    client.force_login(users["district"])
    assert "工作要点" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "Work plan" in body and 'lang="en"' in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-hans"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_switches(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(users["district"])
    assert 'lang="zh-hans"' in client.get("/").content.decode()
