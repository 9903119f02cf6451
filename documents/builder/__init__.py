"""The document builder: content (headings, paragraphs, tables, figures) rendered as an official
.docx (GB/T 9704), as .xlsx tables, charts as PNG, and PDF where LibreOffice is installed."""

from documents.builder.content import (
    Cell,
    Column,
    Content,
    Figure,
    Heading,
    Imprint,
    Masthead,
    Note,
    Para,
    Table,
    fmt_value,
)
from documents.builder.docx import render_docx
from documents.builder.xlsx import render_xlsx

__all__ = [
    "Cell",
    "Column",
    "Content",
    "Figure",
    "Heading",
    "Imprint",
    "Masthead",
    "Note",
    "Para",
    "Table",
    "fmt_value",
    "render_docx",
    "render_xlsx",
]
