"""The plan as data: loading, idempotence, errors by path, and the tree page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from auditlog.models import LogEntry
from django.test import Client

from plan.models import Deadline, Indicator, ItemTarget, Target, Task, TaskItem
from plan.services import BUNDLED_PLAN, PlanFileError, plan_load

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_4e292de44084eb6e.txt"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_bundled_plan_has_every_task_item_and_headline_target(plan):
    assert Task.objects.filter(plan=plan).count() == 10
    assert TaskItem.objects.filter(task__plan=plan).count() == 33
    city = {t.indicator.code: t for t in Target.objects.filter(year=2023, unit__code="520600")}
    assert city["HT_OUTPUT"].value == Decimal("316") and city["HT_OUTPUT"].growth == Decimal("0.2")
    assert city["RD_EXPENDITURE"].value == Decimal("8.62")
    assert city["RD_INTENSITY"].value == Decimal("0.61")
    assert city["RD_FIRM_SHARE"].value == Decimal("20") and city["RD_FIRM_SHARE"].growth_pp == Decimal("6.47")
    assert city["TECH_CONTRACT_VALUE"].value == Decimal("21")
    assert city["COMMISSIONERS"].value == Decimal("80")
    assert city["CHALLENGE_LISTS"].value_max == Decimal("2")
    assert "GDP" not in city  # a reference indicator has no target
    ratio = Indicator.objects.get(code="RD_INTENSITY")
    assert (ratio.numerator.code, ratio.denominator.code) == ("RD_EXPENDITURE", "GDP")


@pytest.mark.django_db
def test_item_targets_and_deadlines_from_the_text(plan):
    demands = ItemTarget.objects.get(item__task__plan=plan, text__contains="不少于30项")
    assert demands.value == Decimal("30") and demands.at_least
    dues = sorted(d.due.isoformat() for d in Deadline.objects.filter(item__task__plan=plan))
    assert dues == ["2023-06-30", "2023-09-30"]


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside the repository")
def test_every_item_text_is_verbatim_from_the_seed():
    seed = _norm(SEED.read_text(encoding="utf-8"))
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    for task in data["tasks"]:
        assert _norm(task["title"]) in seed
        for item in task["items"]:
            assert _norm(item["text"]) in seed, item["label"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(plan):
    entries = LogEntry.objects.count()
    result = plan_load()
    assert not result.changed
    assert result.counts["created"] == result.counts["updated"] == result.counts["deleted"] == 0
    assert LogEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_changed_file_updates_only_what_changed(plan, tmp_path):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["targets"][0]["value"] = 320
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = plan_load(path)
    assert result.counts["updated"] == 2  # the plan row (new file hash) and the one target
    assert Target.objects.get(year=2023, unit__code="520600", indicator__code="HT_OUTPUT").value == 320


@pytest.mark.django_db
def test_errors_name_their_path_and_write_nothing(tmp_path, db):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["tasks"][2]["items"][0]["deadlines"] = [{"text": "x", "due": "2023-13-45"}]
    data["targets"][1]["indicator"] = "NO_SUCH"
    del data["tasks"][0]["title"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        plan_load(path)
    errors = "\n".join(info.value.errors)
    assert "tasks[2].items[0].deadlines[0].due" in errors
    assert "tasks[0].title" in errors
    assert Task.objects.count() == 0 and Indicator.objects.count() == 0


@pytest.mark.django_db
def test_cross_reference_errors_are_reported(tmp_path):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["targets"][1]["indicator"] = "NO_SUCH"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        plan_load(path)
    assert "targets[1].indicator: unknown indicator NO_SUCH" in info.value.errors


@pytest.mark.django_db
def test_broken_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\nyear: [2023\n", encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        plan_load(path)
    assert info.value.errors[0].startswith("line 3, column 1")


@pytest.mark.django_db
def test_tree_page_shows_every_item_target_and_deadline(plan, users):
    client = Client()
    client.force_login(users["district"])
    body = client.get("/plan/").content.decode()
    for item in TaskItem.objects.filter(task__plan=plan):
        assert item.text[:40] in body
    assert "2023-06-30" in body and "2023-09-30" in body
    assert "高新技术产业产值" in body and "316" in body


def test_number_filters():
    from kechuang.core.templatetags.kc import num, pct

    assert pct(Decimal("0.065")) == "6.5%" and pct(Decimal("0.200000")) == "20%"
    assert pct(-0.09999999999999998) == "-10%" and pct(1 / 3) == "33.33%"
    assert num(Decimal("316.0000")) == "316" and num(Decimal("8.6200")) == "8.62" and num(None) == "—"
    assert num(Decimal("1E+2")) == "100"


@pytest.mark.django_db
def test_reloading_keeps_an_imported_city_target(plan):
    from plan.models import TargetOrigin

    target = Target.objects.get(year=2023, unit__code="520600", indicator__code="HT_OUTPUT")
    target.value, target.origin = Decimal("350"), TargetOrigin.IMPORT
    target.save()
    result = plan_load()
    assert not result.changed
    assert Target.objects.get(pk=target.pk).value == Decimal("350")
