"""Field-level write protection (security.md item 16, ASVS 8.2.3): a client cannot set the
owning unit outside its scope, a workflow status, an approver, an owner, the version or the
stamps. Generic over the API's OpenAPI schema and over every ModelForm, so a new endpoint or form
that exposes such a field fails here until it is given a reason."""

from __future__ import annotations

import importlib
import json

import pytest
from django import forms
from django.conf import settings

from transfer.models import TechContract

PROTECTED = {
    "unit",
    "unit_id",
    "district",
    "status",
    "approved_by",
    "approver",
    "approved_at",
    "owner",
    "owner_id",
    "actor",
    "version",
    "created",
    "updated",
    "id",
    "hash",
    "prev_hash",
}

# (method path, field) → why the endpoint may take it.
ALLOWED = {
    ("POST /api/v1/dispatch/reports", "unit"): "the unit reporting; a district's own only (scope re-check)",
    (
        "POST /api/v1/contracts",
        "unit",
    ): "the filing unit; a foreign one is a 422 (transfer.services._scope_problems)",
    ("PUT /api/v1/contracts/{contract_id}", "unit"): "as POST; moving to a foreign unit is a 422",
    ("PATCH /api/v1/contracts/{contract_id}", "unit"): "as POST; moving to a foreign unit is a 422",
    (
        "POST /api/v1/contracts",
        "status",
    ): "registry status (registered / signed, not registered / refused), not approval",
    ("PUT /api/v1/contracts/{contract_id}", "status"): "registry status, not approval",
    ("PATCH /api/v1/contracts/{contract_id}", "status"): "registry status, not approval",
    ("PUT /api/v1/contracts/{contract_id}", "version"): "a precondition (409 when stale), never written",
    ("PATCH /api/v1/contracts/{contract_id}", "version"): "a precondition (409 when stale), never written",
}


def _request_fields(schema, op) -> set[str]:
    body = op.get("requestBody")
    if not body:
        return set()
    fields = set()
    for content in body["content"].values():
        ref = content.get("schema", {})
        if "$ref" in ref:
            ref = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
        fields |= set(ref.get("properties", {}))
    return fields


def test_no_api_write_takes_a_protected_field_without_a_reason():
    from kechuang.api import api

    schema = api.get_openapi_schema()
    exposed = set()
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            if method in ("post", "put", "patch"):
                for field in _request_fields(schema, op) & PROTECTED:
                    exposed.add((f"{method.upper()} {path}", field))
    assert exposed - set(ALLOWED) == set()


def _model_forms() -> list[type[forms.ModelForm]]:
    for app in settings.KECHUANG_DOMAIN_APPS:
        for module in ("forms", "views"):
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name not in (f"{app}.{module}",):
                    raise
    seen, todo = [], list(forms.ModelForm.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if getattr(getattr(c, "_meta", None), "model", None) is not None]


# ModelForm fields a user may set: "Form.field" → why. `unit` choices are always limited to the
# units the user may write (talent.crud.ScopedModelForm, transfer.forms._RegistryForm) and the
# service re-checks the scope inside the transaction.
FORM_ALLOWED = {
    "ChecklistItemForm.owner": "the responsible body's name (free text), not an account",
    "ChecklistItemForm.status": "progress of a checklist item kept by the bureau, not an approval",
    "ContractForm.status": "registry status (registered / signed, not registered / refused), not an approval",
    "AgreementForm.status": "an agreement in force or ended (platforms and talent), as reported",
    "PlatformForm.status": "the recognition: bureau-only (BureauDecisionsForm; test_decisions.py)",
    "PhdProjectForm.status": "under way / accepted / terminated, as reported by the workstation",
    "Top10Form.status": "the selection: bureau-only (BureauDecisionsForm; test_decisions.py)",
    "ProjectForm.status": "platforms: a cooperation project's progress as reported; transfer: the approval, "
    "bureau-only but for a district's withdrawal (BureauDecisionsForm; test_decisions.py)",
}


def test_no_model_form_takes_a_protected_field():
    found = _model_forms()
    assert len(found) >= 10
    offenders = []
    for cls in found:
        for name in set(cls.base_fields) & PROTECTED:
            if name == "version":
                continue  # VersionedForm's hidden precondition, popped from cleaned_data
            if name != "unit" and f"{cls.__name__}.{name}" not in FORM_ALLOWED:
                offenders.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert offenders == []


@pytest.mark.django_db
def test_extra_fields_in_a_patch_are_ignored_and_nothing_else_changes(users, contract, client_for):
    client = client_for(users["district"])
    before = TechContract.objects.filter(pk=contract.pk).values().get()
    body = {
        "note": "只改备注",
        "id": 999_999,
        "created": "2000-01-01T00:00:00Z",
        "updated": "2000-01-01T00:00:00Z",
        "approved_by": users["admin"].pk,
        "owner": users["admin"].pk,
        "seller_id": 12345,
        "hash": "0" * 64,
    }
    response = client.patch(
        f"/api/v1/contracts/{contract.pk}",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    after = TechContract.objects.filter(pk=contract.pk).values().get()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"note", "updated", "version"}
    assert after["version"] == before["version"] + 1 and after["id"] == contract.pk
    assert after["created"] == before["created"] and not TechContract.objects.filter(pk=999_999).exists()


@pytest.mark.django_db
def test_a_district_cannot_move_a_row_to_another_unit(users, contract, client_for, units):
    client = client_for(users["district"])
    response = client.patch(
        f"/api/v1/contracts/{contract.pk}",
        json.dumps({"unit": "520603", "version": 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert TechContract.objects.get(pk=contract.pk).unit_id == units["520602"].pk


@pytest.mark.django_db
def test_a_posted_version_field_on_a_form_is_not_written(users, contract, client_for):
    from tests.security.test_concurrency import _form_data

    client = client_for(users["district"])
    response = client.post(f"/contracts/{contract.pk}/edit/", _form_data(contract, note="x", version=1))
    assert response.status_code == 302
    assert TechContract.objects.get(pk=contract.pk).version == 2  # moved by the save, not set
