"""`kechuang report KIND --year Y --month M -o FILE` (CONTRACTS.md): .docx and .xlsx written, the
document stored; bad arguments give one clear message and a non-zero exit."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from openpyxl import load_workbook

from documents.models import Document
from tests.documents.helpers import open_docx, tables


@pytest.mark.django_db
def test_report_writes_docx_and_xlsx(figures, tmp_path):
    out = io.StringIO()
    call_command(
        "report", "monthly", "--year", "2023", "--month", "6", "-o", str(tmp_path / "m.docx"), stdout=out
    )
    data = (tmp_path / "m.docx").read_bytes()
    assert "2023年6月全市科技创新工作动态" in [p.text for p in open_docx(data).paragraphs]
    assert "Wrote" in out.getvalue()
    doc = Document.objects.get()
    assert doc.created_by is None and bytes(doc.docx) == data
    call_command(
        "report",
        "quarterly",
        "--year",
        "2023",
        "--month",
        "6",
        "-o",
        str(tmp_path / "q.xlsx"),
        stdout=io.StringIO(),
    )
    book = load_workbook(tmp_path / "q.xlsx")
    assert book.sheetnames[0] == "说明" and "全市指标" in book.sheetnames
    # A stored document written again from its snapshot is the same file.
    call_command(
        "report", "--document", str(doc.pk), "-o", str(tmp_path / "again.docx"), stdout=io.StringIO()
    )
    assert (tmp_path / "again.docx").read_bytes() == data
    assert tables(data)


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["report", "monthly", "--year", "2023", "--month", "13", "-o", "x.docx"],
            "month must be between 1 and 12, not 13",
        ),
        (
            ["report", "weekly", "--year", "2023", "--month", "6", "-o", "x.docx"],
            "Unknown document kind 'weekly'",
        ),
        (
            ["report", "monthly", "--year", "2023", "--month", "6", "-o", "x.txt"],
            "must end in .docx, .xlsx or .pdf",
        ),
        (["report", "monthly", "--year", "abc", "--month", "6", "-o", "x.docx"], "whole numbers"),
        (["report", "monthly", "--month", "6", "-o", "x.docx"], "--year and --month are required"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_give_one_clear_message_and_a_non_zero_exit(argv, message, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends; on PostgreSQL that would close the
    # test's own transaction under it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["kechuang", *argv])
    assert exit_.value.code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_call_command_raises_command_error():
    with pytest.raises(CommandError, match="not 13"):
        call_command("report", "annual", "--year", "2023", "--month", "13", "-o", "x.docx")
