"""Scope-walk entries for the enterprise file pages (see tests/walk/core.py)."""

from __future__ import annotations

from enterprises.models import EnterpriseEdit


def foreign(world) -> dict:
    edit = EnterpriseEdit.objects.create(
        enterprise=world["enterprises"]["wanshan"], year=2022, changes={"address": "万山路"}
    )
    return {"foreign_edit": edit}


OBJECT_URLS = {
    "enterprise_edit": lambda w: {"pk": w["foreign"].pk},
    "enterprise_evaluate": lambda w: {"pk": w["foreign"].pk},
    "enterprise_edit_decide": lambda w: {"pk": w["foreign_edit"].pk},
}

REFERENCE_URLS: dict = {}


def rows(world):
    return [EnterpriseEdit.objects.filter(pk=world["foreign_edit"].pk)]
