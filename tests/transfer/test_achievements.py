"""Achievement transformation projects, provincial award applications and top-ten nominations:
their rules, imports, pages per role and exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import Event, EventAction
from plan.models import Target
from transfer.models import (
    AwardApplication,
    AwardCategory,
    AwardResult,
    ProjectStatus,
    Top10Nomination,
    Top10Status,
    TransferProject,
)
from transfer.services import Invalid, award_save, project_save, top10_save


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fields(exc) -> set[str]:
    return {p.field for p in exc.value.problems}


@pytest.fixture
def records(units, enterprises):
    bj, ws = units["520602"], units["520603"]
    return {
        "bj_project": TransferProject.objects.create(
            unit=bj, title="碧江锰渣转化", applicant_name="碧江测试企业", applied_on=dt.date(2023, 4, 2)
        ),
        "ws_project": TransferProject.objects.create(
            unit=ws, title="万山锂电转化", applicant_name="万山测试企业", applied_on=dt.date(2023, 5, 2)
        ),
        "bj_award": AwardApplication.objects.create(
            unit=bj,
            title="碧江进步奖",
            lead_org="铜仁学院",
            category=AwardCategory.PROGRESS,
            year=2023,
            applied_on=dt.date(2023, 3, 1),
        ),
        "ws_top10": Top10Nomination.objects.create(
            unit=ws,
            title="万山十大成果",
            holder="万山测试企业",
            year=2023,
            nominated_on=dt.date(2023, 6, 1),
            status=Top10Status.SELECTED,
            selected_on=dt.date(2023, 12, 5),
        ),
    }


@pytest.mark.django_db
def test_project_rules(users, units):
    base = {"unit": units["520602"], "title": "t", "applicant_name": "a", "applied_on": dt.date(2023, 4, 1)}
    with pytest.raises(Invalid) as exc:
        project_save(actor=users["staff"], values={**base, "status": ProjectStatus.APPROVED, "funding": 1})
    assert fields(exc) == {"decided_on"}
    with pytest.raises(Invalid) as exc:
        project_save(
            actor=users["staff"],
            values={**base, "status": ProjectStatus.APPROVED, "decided_on": dt.date(2023, 3, 1)},
        )
    assert fields(exc) == {"decided_on"}
    with pytest.raises(Invalid) as exc:
        project_save(actor=users["staff"], values={**base, "funding": 10})
    assert fields(exc) == {"funding"}
    with pytest.raises(Invalid) as exc:
        project_save(actor=users["district"], values={**base, "unit": units["520603"]})
    assert fields(exc) == {"unit"}
    with pytest.raises(PermissionDenied):
        project_save(actor=users["leader"], values=base)
    assert TransferProject.objects.count() == 0
    saved = project_save(actor=users["district"], values=base)
    assert saved.status == ProjectStatus.APPLIED and saved.unit.code == "520602"


@pytest.mark.django_db
def test_award_and_top10_rules(users, units):
    base = {
        "unit": units["520602"],
        "title": "t",
        "lead_org": "o",
        "category": AwardCategory.PROGRESS,
        "year": 2023,
        "applied_on": dt.date(2023, 3, 1),
    }
    with pytest.raises(Invalid) as exc:
        award_save(actor=users["staff"], values={**base, "result": AwardResult.AWARDED})
    assert fields(exc) == {"result_on", "grade"}
    with pytest.raises(Invalid) as exc:
        award_save(actor=users["staff"], values={**base, "grade": "first"})
    assert fields(exc) == {"grade"}
    with pytest.raises(Invalid) as exc:
        future = dt.date.today() + dt.timedelta(days=3)
        award_save(actor=users["staff"], values={**base, "applied_on": future, "year": future.year})
    assert fields(exc) == {"applied_on"}
    highest = award_save(
        actor=users["staff"],
        values={
            **base,
            "category": AwardCategory.HIGHEST,
            "result": "awarded",
            "result_on": dt.date(2023, 12, 1),
        },
    )
    assert highest.grade == ""
    nomination = {
        "unit": units["520602"],
        "title": "t",
        "holder": "h",
        "year": 2023,
        "nominated_on": dt.date(2023, 6, 1),
    }
    with pytest.raises(Invalid) as exc:
        top10_save(actor=users["staff"], values={**nomination, "status": Top10Status.SELECTED})
    assert fields(exc) == {"selected_on"}
    with pytest.raises(Invalid) as exc:
        top10_save(actor=users["staff"], values={**nomination, "selected_on": dt.date(2023, 12, 1)})
    assert fields(exc) == {"selected_on"}


@pytest.mark.django_db
def test_project_and_award_imports(units, enterprises, tmp_path):
    projects = tmp_path / "p.csv"
    projects.write_text(
        "项目名称,申报单位,统一社会信用代码,申报日期,状态,立项日期,支持资金,所属单位\n"
        "锰渣转化,碧江测试企业,91350200776049653A,2023-04-01,已立项,2023-07-01,50,520602\n"
        "茶叶深加工,铜仁学院,,2023-04-09,,,,万山区\n",
        encoding="utf-8",
    )
    assert import_file("transfer-projects", projects).created == 2
    first = TransferProject.objects.get(title="锰渣转化")
    assert first.enterprise == enterprises["bijiang"] and first.status == "approved" and first.funding == 50
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "title,applicant_name,applied_on,status,funding,unit\nx,y,2023-04-01,applied,10,520602\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("transfer-projects", bad)
    assert [str(e) for e in info.value.errors] == [
        "row 2, column funding: only an approved project has funding"
    ]
    awards = tmp_path / "a.csv"
    awards.write_text(
        "成果名称,完成单位,奖种,年度,申报日期,评审结果,等级,结果日期,所属单位\n"
        "锰业关键技术,铜仁学院,科技进步奖,2023,2023-03-01,获奖,二等奖,2023-12-20,520602\n",
        encoding="utf-8",
    )
    import_file("awards", awards)
    award = AwardApplication.objects.get()
    assert (award.category, award.result, award.grade) == ("progress", "awarded", "second")


@pytest.mark.django_db
def test_pages_per_role(users, records):
    district = client_for(users["district"])
    body = district.get("/achievements/projects/").content.decode()
    assert "碧江锰渣转化" in body and "万山锂电转化" not in body
    assert district.get(f"/achievements/projects/{records['ws_project'].pk}/").status_code == 404
    assert district.get(f"/achievements/projects/{records['bj_project'].pk}/").status_code == 200
    assert "万山十大成果" not in district.get("/achievements/top10/").content.decode()
    leader = client_for(users["leader"])
    assert "万山十大成果" in leader.get("/achievements/top10/").content.decode()
    assert leader.get("/achievements/awards/new/").status_code == 403
    assert leader.post(f"/achievements/awards/{records['bj_award'].pk}/delete/").status_code == 404


@pytest.mark.django_db
def test_home_counts_against_the_targets(users, records):
    Target.objects.filter(indicator__code="TRANSFER_PROJECTS", year=2023, unit__code="520600").update(
        value=20
    )
    cards = {
        c["registry"].key: c
        for c in client_for(users["staff"]).get("/achievements/?year=2023").context["cards"]
    }
    assert cards["transfer_project"]["progress"]["count"] == 2
    assert cards["transfer_project"]["progress"]["completion"] == Decimal("0.1")
    assert cards["top10"]["progress"]["count"] == 1
    district = {
        c["registry"].key: c
        for c in client_for(users["district"]).get("/achievements/?year=2023").context["cards"]
    }
    assert (
        district["transfer_project"]["progress"]["count"] == 1 and district["top10"]["progress"]["count"] == 0
    )


@pytest.mark.django_db
def test_district_creates_edits_and_deletes(users, units, records):
    client = client_for(users["district"])
    form = client.get("/achievements/awards/new/").context["form"]
    assert [u.code for u in form.fields["unit"].queryset] == ["520602"]
    data = {
        "unit": units["520602"].pk,
        "title": "新成果",
        "lead_org": "铜仁学院",
        "category": "invention",
        "year": "2023",
        "applied_on": "2023-04-01",
        "result": "pending",
        "grade": "",
        "result_on": "",
        "note": "",
        "enterprise": "",
    }
    assert client.post("/achievements/awards/new/", {**data, "unit": units["520603"].pk}).status_code == 400
    response = client.post("/achievements/awards/new/", data)
    assert response.status_code == 302
    award = AwardApplication.objects.get(title="新成果")
    # the result is the bureau's to record: a district's choice of "awarded" is refused
    awarded = {**data, "result": "awarded", "grade": "third", "result_on": "2023-12-01", "version": 1}
    assert client.post(f"/achievements/awards/{award.pk}/edit/", awarded).status_code == 400
    response = client_for(users["staff"]).post(f"/achievements/awards/{award.pk}/edit/", awarded)
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.result, award.grade) == ("awarded", "third")
    assert client.post(f"/achievements/awards/{award.pk}/delete/").status_code == 302
    assert not AwardApplication.objects.filter(pk=award.pk).exists()


@pytest.mark.django_db
def test_filters_and_export(users, records):
    from openpyxl import load_workbook

    staff = client_for(users["staff"])
    page = staff.get("/achievements/projects/?unit=520603").context["page"]
    assert [p.title for p in page.object_list] == ["万山锂电转化"]
    assert staff.get("/achievements/projects/?month=4").context["page"].paginator.count == 1
    response = client_for(users["district"]).get("/achievements/projects/export.xlsx?year=2023")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "碧江锰渣转化" and rows[1][2] == "碧江区"
    assert Event.objects.filter(
        action=EventAction.EXPORT, data__kind="transfer_project", data__rows=1
    ).exists()


@pytest.mark.django_db
def test_empty_states(users):
    body = client_for(users["staff"]).get("/achievements/projects/").content.decode()
    assert "尚无科技成果转化项目" in body
