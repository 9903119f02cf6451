"""Targets and actuals on the one import engine: `kechuang import`, the web import page, the
data scope of the acting user, and `kechuang dispatch import-*` giving the same result."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from dispatch.models import Actual, ActualOrigin
from dispatch.services import DispatchImportError, actuals_import, targets_import
from kechuang.core.imports import ImportFailed, import_file, registered_kinds
from kechuang.core.models import ImportRun, Job
from plan.models import Indicator, Target

ACTUALS = "unit,indicator,period,value\n520602,HT_OUTPUT,2023-05,20\n520602,HT_OUTPUT,2023-06,25\n"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def client_for(user, language: str | None = None) -> Client:
    """Signed in; `language` "en" shows the import errors in the CLI's English form."""
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_both_kinds_are_registered_with_the_engine(plan):
    kinds = registered_kinds()
    assert {"targets", "actuals"} <= set(kinds)
    assert [c.name for c in kinds["actuals"]().columns] == ["unit", "indicator", "period", "value"]
    assert [c.name for c in kinds["targets"]().columns] == [
        "unit",
        "indicator",
        "year",
        "target",
        "target_growth",
    ]


def test_generic_import_command_and_dispatch_command_agree(plan, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(ACTUALS, encoding="utf-8")
    out = io.StringIO()
    call_command("import", "actuals", str(path), stdout=out)
    assert "2 rows imported: 2 created" in out.getvalue()
    again = io.StringIO()
    call_command("dispatch", "import-actuals", str(path), stdout=again)
    assert "created 0, updated 0, unchanged 2" in again.getvalue()
    assert ImportRun.objects.filter(kind="actuals").count() == 2


def test_generic_command_reports_the_same_errors(plan, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("unit,indicator,period,value\n520602,HT_OUTPUT,2023-06,x\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "actuals", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["row 2, column value: 'x' is not a number"]
    with pytest.raises(DispatchImportError) as exc:
        actuals_import(path)
    assert exc.value.errors == ["row 2, column value: 'x' is not a number"]


def test_dry_run_counts_are_those_of_the_real_run(plan, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(ACTUALS, encoding="utf-8")
    dry = actuals_import(path, dry_run=True)
    assert (dry.counts, dry.run_id) == ({"created": 2, "updated": 0, "unchanged": 0}, None)
    assert not Actual.objects.exists() and not ImportRun.objects.exists()
    real = actuals_import(path)
    assert real.counts == dry.counts and real.run_id is not None
    assert real.sha256 == dry.sha256 == ImportRun.objects.get().sha256


def test_web_import_of_actuals_by_a_district_for_its_own_unit(users):
    client = client_for(users["district"])
    response = client.post("/imports/upload/", {"kind": "actuals", "file": upload("a.csv", ACTUALS)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "2023-06" in page and not Actual.objects.exists()  # checked, previewed, not saved
    client.post(f"/imports/jobs/{Job.objects.get().pk}/commit/")
    held = Actual.objects.get(unit__code="520602", indicator__code="HT_OUTPUT", month=6)
    assert (held.value, held.origin) == (25, ActualOrigin.IMPORT)
    run = ImportRun.objects.get()
    assert (run.kind, run.actor, run.created_count) == ("actuals", users["district"], 2)


def test_web_import_outside_the_district_is_refused(users):
    client = client_for(users["district"], "en")
    text = "unit,indicator,period,value\n520603,HT_OUTPUT,2023-06,25\n520600,GDP,2023-06,1\n"
    response = client.post("/imports/upload/", {"kind": "actuals", "file": upload("a.csv", text)})
    page = client.get(response.url).content.decode()
    assert "row 2, column unit: outside your data scope" in page
    assert "row 3, column unit: outside your data scope" in page
    assert not Actual.objects.exists()


def test_targets_are_the_bureaus(users):
    text = "unit,indicator,year,target,target_growth\n520602,HT_OUTPUT,2023,40,\n"
    district = client_for(users["district"], "en")
    response = district.post("/imports/upload/", {"kind": "targets", "file": upload("t.csv", text)})
    assert "row 2, column unit: targets are set by the bureau" in district.get(response.url).content.decode()
    staff = client_for(users["staff"])
    response = staff.post("/imports/upload/", {"kind": "targets", "file": upload("t.csv", text)})
    staff.post(f"/imports/jobs/{Job.objects.filter(owner=users['staff']).get().pk}/commit/")
    assert Target.objects.get(unit__code="520602", indicator__code="HT_OUTPUT", year=2023).value == 40


def test_template_download_has_the_chinese_headers(users):
    from python_calamine import CalamineWorkbook

    response = client_for(users["staff"]).get("/imports/template/targets/")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    header = book.get_sheet_by_index(0).to_python()[0]
    assert header == ["单位", "指标", "年度", "目标值", "目标增速"]


def test_a_monthly_reports_figure_is_not_replaced_by_an_import(plan, units, tmp_path):
    Actual.objects.create(
        unit=units["520602"],
        indicator=Indicator.objects.get(code="GDP"),
        year=2023,
        month=6,
        value=Decimal("150"),
        origin=ActualOrigin.REPORT,
    )
    path = tmp_path / "a.csv"
    path.write_text("unit,indicator,period,value\n520602,GDP,2023-06,151\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_file("actuals", path)
    assert [str(e) for e in exc.value.errors] == [
        "row 2, column value: 2023-06 of 520602 GDP comes from an accepted monthly report (150); "
        "correct it by a revision of the report"
    ]
    # The same value again changes nothing and is fine.
    path.write_text("unit,indicator,period,value\n520602,GDP,2023-06,150\n", encoding="utf-8")
    assert actuals_import(path).counts["unchanged"] == 1
    assert Actual.objects.get().origin == ActualOrigin.REPORT


def test_values_beyond_the_figures_range_are_refused(plan, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("unit,indicator,period,value\n520602,GDP,2023-06,1000000000\n", encoding="utf-8")
    with pytest.raises(DispatchImportError) as exc:
        actuals_import(path)
    assert exc.value.errors == ["row 2, column value: 1000000000 is too large"]


def test_empty_unit_cell_is_named(plan, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit,indicator,year,target,target_growth\n,HT_OUTPUT,2023,1,\n", encoding="utf-8")
    with pytest.raises(DispatchImportError) as exc:
        targets_import(path)
    assert exc.value.errors == ["row 2, column unit: the unit is empty"]
