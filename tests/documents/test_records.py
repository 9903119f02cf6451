"""What the dispatch workflow records show in the documents: warnings with what was done about
them, late and missing monthly reports in the 通报. Skipped where the workflow is not installed
(the documents then say there is no such record; see test_no_workflow_records_means_no_data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from documents.compose import compose
from documents.services import document_generate
from tests.documents.helpers import open_docx, tables

pytestmark = pytest.mark.django_db

workflow = pytest.importorskip("dispatch.workflow.reports", reason="the dispatch workflow is not installed")


def _text(doc) -> str:
    return "\n".join(p.text for p in open_docx(bytes(doc.docx)).paragraphs)


def test_warnings_show_what_was_done(figures, users, units):
    from dispatch.models import DispatchWarning
    from plan.models import Indicator

    DispatchWarning.objects.create(
        unit=units["520621"],
        indicator=Indicator.objects.get(code="HT_OUTPUT"),
        year=2023,
        month=6,
        codes=["NEGATIVE_GROWTH"],
        level="red",
        action="DISPATCH_MEETING",
        status="resolved",
        figures={"yoy": -0.1},
        note="已约谈分管负责人",
    )
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    rows = tables(bytes(doc.docx))["1—6月预警及处置情况"]
    jiangkou = next(r for r in rows if r[0] == "江口县")
    # 江口县: 9 against 10 last June, a negative growth the figures raise.
    assert "高新技术产业产值（负增长" in jiangkou[2]
    assert "已约谈分管负责人" in jiangkou[3]


def test_the_bulletin_names_the_late_and_missing_reports(figures, users, units):
    from dispatch.workflow.reports import (
        FigureInput,
        monthly_report_create,
        monthly_report_fill,
        monthly_report_submit,
    )

    staff = users["staff"]
    report = monthly_report_create(actor=staff, unit=units["520603"], year=2023, month=5)
    codes = report.figures.values_list("indicator__code", flat=True)
    monthly_report_fill(
        actor=staff, report=report, figures={c: FigureInput(Decimal(10), note="测试数据") for c in codes}
    )
    due = report.due
    monthly_report_submit(
        actor=staff,
        report=report,
        at=timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=3), dt.time(10))),
    )
    doc = document_generate(
        actor=staff,
        kind="bulletin",
        year=2023,
        month=6,
        as_of=timezone.make_aware(dt.datetime(2023, 7, 20, 9)),
    )
    rows = tables(bytes(doc.docx))["1—6月一月一报逾期情况"]
    wanshan = next(r for r in rows if r[0] == "万山区")
    assert "5月（逾期3天）" in wanshan[1]  # late by three days
    assert "6月" in wanshan[2]  # June not filed by 20 July
    assert "万山区" in _text(doc)


def test_no_workflow_records_means_no_data(figures, users):
    doc = document_generate(actor=users["staff"], kind="quarterly", year=2023, month=6)
    snapshot = dict(doc.snapshot)
    snapshot["records"] = {k: {"available": False, "rows": []} for k in snapshot["records"]}
    text = "\n".join(b.text for b in compose(snapshot, {}).blocks if hasattr(b, "text"))
    assert "重点任务督办模块尚未启用，暂无数据。" in text
    assert "一月一报模块尚未启用，暂无报送记录。" in text
    assert "考核模块尚未启用，暂无考核结果。" in text
