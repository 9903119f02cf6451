"""Field-level decisions (security.md items 16 and 17): the plan's workflow is "a district
proposes, the bureau decides". A district's form shows the decision fields disabled and Django
keeps the stored value whatever is posted; where a district may take a step itself (withdraw its
own application) only that step is offered. The bureau records the decision on the same form."""

from __future__ import annotations

import datetime as dt

import pytest

from platforms.models import Platform
from transfer.models import AwardApplication, Top10Nomination, TransferProject


@pytest.fixture
def nomination(units):
    return Top10Nomination.objects.create(
        unit=units["520602"],
        title="碧江锰渣成果",
        holder="铜仁学院",
        year=2023,
        nominated_on=dt.date(2023, 6, 1),
    )


@pytest.fixture
def project(units):
    return TransferProject.objects.create(
        unit=units["520602"], title="碧江转化项目", applicant_name="铜仁学院", applied_on=dt.date(2023, 4, 1)
    )


def _top10_data(units, **extra):
    data = {
        "unit": units["520602"].pk,
        "title": "碧江锰渣成果",
        "holder": "铜仁学院",
        "enterprise": "",
        "year": "2023",
        "nominated_on": "2023-06-01",
        "status": "selected",
        "selected_on": "2023-12-05",
        "note": "",
        "version": 1,
    }
    return data | extra


def _project_data(units, **extra):
    data = {
        "unit": units["520602"].pk,
        "title": "碧江转化项目",
        "applicant_name": "铜仁学院",
        "enterprise": "",
        "partner": "",
        "industry": "",
        "level": "provincial",
        "applied_on": "2023-04-01",
        "status": "approved",
        "decided_on": "2023-08-01",
        "funding": "50",
        "note": "",
        "version": 1,
    }
    return data | extra


@pytest.mark.django_db
def test_a_district_cannot_select_its_own_top10_nomination(users, units, nomination, client_for):
    district = client_for(users["district"])
    page = district.get(f"/achievements/top10/{nomination.pk}/edit/")
    assert (
        page.context["form"].fields["status"].disabled and page.context["form"].fields["selected_on"].disabled
    )
    response = district.post(
        f"/achievements/top10/{nomination.pk}/edit/", _top10_data(units, note="区县补充")
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    # the note is the district's; the selection and its date are not
    assert (nomination.note, nomination.status, nomination.selected_on) == ("区县补充", "nominated", None)
    # a new nomination by the district starts as nominated, whatever is posted
    response = district.post("/achievements/top10/new/", _top10_data(units, title="另一项成果", version=""))
    assert response.status_code == 302
    new = Top10Nomination.objects.get(title="另一项成果")
    assert (new.status, new.selected_on) == ("nominated", None)
    # the bureau records the selection on the same form
    staff = client_for(users["staff"])
    response = staff.post(f"/achievements/top10/{nomination.pk}/edit/", _top10_data(units, version=2))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.selected_on) == ("selected", dt.date(2023, 12, 5))


@pytest.mark.django_db
def test_a_district_cannot_approve_its_transformation_project_but_may_withdraw_it(
    users, units, project, client_for
):
    district = client_for(users["district"])
    form = district.get(f"/achievements/projects/{project.pk}/edit/").context["form"]
    assert [v for v, _label in form.fields["status"].choices] == ["applied", "withdrawn"]
    assert form.fields["decided_on"].disabled and form.fields["funding"].disabled
    response = district.post(f"/achievements/projects/{project.pk}/edit/", _project_data(units))
    assert response.status_code == 400  # "approved" is not a choice the district has
    project.refresh_from_db()
    assert (project.status, project.decided_on, project.funding, project.version) == (
        "applied",
        None,
        None,
        1,
    )
    # withdrawing its own application is the district's step; a posted decision date is ignored
    response = district.post(
        f"/achievements/projects/{project.pk}/edit/", _project_data(units, status="withdrawn", funding="")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.decided_on) == ("withdrawn", None)
    # once the bureau has decided, the district cannot change the status at all
    staff = client_for(users["staff"])
    response = staff.post(f"/achievements/projects/{project.pk}/edit/", _project_data(units, version=2))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.decided_on, project.funding) == ("approved", dt.date(2023, 8, 1), 50)
    form = district.get(f"/achievements/projects/{project.pk}/edit/").context["form"]
    assert form.fields["status"].disabled
    response = district.post(
        f"/achievements/projects/{project.pk}/edit/",
        _project_data(units, status="withdrawn", version=3, note="区县备注"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.note) == ("approved", "区县备注")


@pytest.mark.django_db
def test_a_district_cannot_record_an_award_result(users, units, client_for):
    award = AwardApplication.objects.create(
        unit=units["520602"],
        title="碧江奖项",
        lead_org="铜仁学院",
        category="invention",
        year=2023,
        applied_on=dt.date(2023, 4, 1),
    )
    form = client_for(users["district"]).get(f"/achievements/awards/{award.pk}/edit/").context["form"]
    assert [v for v, _label in form.fields["result"].choices] == ["pending", "withdrawn"]
    assert form.fields["grade"].disabled and form.fields["result_on"].disabled


@pytest.mark.django_db
def test_a_district_proposes_a_platform_and_the_bureau_recognises_it(users, units, enterprises, client_for):
    data = {
        "name": "碧江新型研发机构",
        "kind": "new_rd",
        "level": "city",
        "unit": units["520602"].pk,
        "host_enterprise": enterprises["bijiang"].pk,
        "status": "approved",
        "approved_on": "2023-09-01",
        "approval_document": "铜市科发〔2023〕1号",
    }
    district = client_for(users["district"])
    assert district.post("/platforms/new/", data).status_code == 302
    platform = Platform.objects.get(name="碧江新型研发机构")
    # proposed, not recognised: CITY_PLATFORMS counts rows with an approval date
    assert (platform.status, platform.approved_on, platform.approval_document) == ("cultivating", None, "")
    response = district.post(f"/platforms/{platform.pk}/edit/", {**data, "version": 1})
    assert response.status_code == 302
    platform.refresh_from_db()
    assert (platform.status, platform.approved_on, platform.version) == ("cultivating", None, 2)
    staff = client_for(users["staff"])
    assert staff.post(f"/platforms/{platform.pk}/edit/", {**data, "version": 2}).status_code == 302
    platform.refresh_from_db()
    assert (platform.status, platform.approved_on) == ("approved", dt.date(2023, 9, 1))
    # the district's later edit keeps the bureau's recognition
    revoke = {**data, "status": "revoked", "approved_on": "", "approval_document": "", "version": 3}
    assert district.post(f"/platforms/{platform.pk}/edit/", revoke).status_code == 302
    platform.refresh_from_db()
    assert (platform.status, platform.approved_on, platform.approval_document) == (
        "approved",
        dt.date(2023, 9, 1),
        "铜市科发〔2023〕1号",
    )
