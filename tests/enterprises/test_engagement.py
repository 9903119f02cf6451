"""千企面对面 visits and technology demands: forms, follow-ups, the demand flow and its audit
events, the TECH_DEMANDS link, scope, import and export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from python_calamine import CalamineWorkbook

from enterprises.models import DemandStatus, FollowUp, TechDemand, Visit
from enterprises.services import engagement as svc
from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.indicators import counters
from kechuang.core.models import Event, EventAction

D = Decimal


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def demand(unit, day, title="需求", **kw):
    kw.setdefault("field", "新材料")
    return TechDemand.objects.create(unit=unit, title=title, description="说明", collected_on=day, **kw)


@pytest.fixture
def visit(enterprises):
    return Visit.objects.create(
        enterprise=enterprises["bijiang"], visited_on=dt.date(2023, 3, 1), visitors="张三"
    )


# --- visits ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_district_logs_and_edits_a_visit_of_its_own_enterprise(users, enterprises):
    client = login(users["district"])
    ent = enterprises["bijiang"]
    response = client.post(
        "/enterprises/visits/new/",
        {
            "enterprise": ent.pk,
            "visited_on": "2023-03-01",
            "visitors": "张三、李四",
            "problems": "缺少检测设备",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enterprises/visits/{visit.pk}/"
    assert (visit.enterprise, visit.follow_up, visit.problems) == (ent, FollowUp.OPEN, "缺少检测设备")
    client.post(
        f"/enterprises/visits/{visit.pk}/edit/",
        {"enterprise": ent.pk, "visited_on": "2023-03-02", "visitors": "张三", "problems": "缺少检测设备"},
    )
    visit.refresh_from_db()
    assert visit.visited_on == dt.date(2023, 3, 2)
    assert LogEntry.objects.get_for_object(visit).count() == 2  # created, then changed


@pytest.mark.django_db
def test_visit_form_offers_only_the_units_enterprises_and_names_bad_fields(users, enterprises):
    client = login(users["district"])
    page = client.get("/enterprises/visits/new/").content.decode()
    assert "碧江测试企业" in page and "万山测试企业" not in page
    # given a foreign enterprise, a future date and no visitors
    response = client.post(
        "/enterprises/visits/new/",
        {"enterprise": enterprises["wanshan"].pk, "visited_on": "2999-01-01", "visitors": ""},
    )
    # then each field says what is wrong, and nothing is saved
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"enterprise", "visited_on", "visitors"}
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_bureau_logs_a_visit_anywhere_and_others_cannot(users, enterprises):
    staff = login(users["staff"])
    response = staff.post(
        "/enterprises/visits/new/",
        {"enterprise": enterprises["wanshan"].pk, "visited_on": "2023-04-01", "visitors": "市局"},
    )
    assert response.status_code == 302
    for role in ("enterprise", "expert", "leader"):
        assert login(users[role]).get("/enterprises/visits/new/").status_code == 404
        assert login(users[role]).post("/enterprises/visits/new/", {}).status_code == 404
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_follow_up_moves_forward_with_a_note_and_is_recorded(users, visit):
    client = login(users["district"])
    url = f"/enterprises/visits/{visit.pk}/follow-up/"
    # a note is required
    response = client.post(url, {"follow_up": "in_progress", "note": " "})
    assert response.status_code == 400 and "note" in response.context["follow_up_form"].errors
    assert client.post(url, {"follow_up": "in_progress", "note": "已对接铜仁学院"}).status_code == 302
    assert client.post(url, {"follow_up": "in_progress", "note": "专家已到企业"}).status_code == 302
    assert client.post(url, {"follow_up": "done", "note": "设备问题已解决"}).status_code == 302
    visit.refresh_from_db()
    assert (visit.follow_up, visit.follow_up_note) == (FollowUp.DONE, "设备问题已解决")
    # done is final
    response = client.post(url, {"follow_up": "in_progress", "note": "再跟进"})
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.follow_up == FollowUp.DONE
    steps = [(e.data["from"], e.data["to"], e.data["note"]) for e in svc.history(visit)]
    assert steps == [
        ("open", "in_progress", "已对接铜仁学院"),
        ("in_progress", "in_progress", "专家已到企业"),
        ("in_progress", "done", "设备问题已解决"),
    ]
    assert all(e.actor == users["district"] and e.unit_code == "520602" for e in svc.history(visit))
    page = client.get(f"/enterprises/visits/{visit.pk}/").content.decode()
    assert "专家已到企业" in page


@pytest.mark.django_db
def test_visit_list_filters(users, enterprises, units):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    Visit.objects.create(enterprise=bj, visited_on=dt.date(2023, 2, 10), visitors="a")
    Visit.objects.create(
        enterprise=bj, visited_on=dt.date(2023, 5, 10), visitors="b", follow_up=FollowUp.DONE
    )
    Visit.objects.create(enterprise=ws, visited_on=dt.date(2023, 5, 11), visitors="c")

    def seen(user, query):
        return sorted(v.visitors for v in login(user).get(f"/enterprises/visits/?{query}").context["page"])

    assert seen(users["staff"], "") == ["a", "b", "c"]
    assert seen(users["district"], "") == ["a", "b"]  # its own unit only
    assert seen(users["staff"], "unit=520603") == ["c"]
    assert seen(users["staff"], "since=2023-05-01") == ["b", "c"]
    assert seen(users["staff"], "until=2023-05-10") == ["a", "b"]
    assert seen(users["staff"], "follow_up=open") == ["a", "c"]
    assert seen(users["staff"], f"enterprise={ws.pk}") == ["c"]
    assert seen(users["staff"], "q=万山") == ["c"]
    # a bad filter is named and ignored
    response = login(users["staff"]).get("/enterprises/visits/?since=2023-05-11&until=2023-01-01")
    assert "until" in response.context["form"].errors and response.context["page"].paginator.count == 1


# --- demands ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demands_recorded_from_a_visit(users, visit):
    client = login(users["district"])
    url = f"/enterprises/visits/{visit.pk}/demands/new/"
    data = {
        "title": "锰渣无害化",
        "field": "资源与环境",
        "description": "电解锰渣处理",
        "budget": "120.5",
        "deadline": "2024-06-30",
        "collected_on": "2023-03-01",
    }
    response = client.post(url, {**data, "another": "1"})
    assert response.status_code == 302 and response["Location"] == url
    client.post(url, {**data, "title": "锂电正极材料", "budget": ""})
    first, second = TechDemand.objects.order_by("id")
    assert (first.unit.code, first.enterprise, first.visit) == ("520602", visit.enterprise, visit)
    assert first.budget == D("120.50") and first.status == DemandStatus.COLLECTED
    assert second.budget is None
    # a demand cannot be collected before its visit
    response = client.post(url, {**data, "collected_on": "2023-02-28"})
    assert response.status_code == 400 and "collected_on" in response.context["form"].errors
    assert TechDemand.objects.count() == 2


@pytest.mark.django_db
def test_demand_form_names_bad_fields_and_saves_nothing(users, enterprises, units):
    client = login(users["staff"])
    base = {"title": "t", "field": "新材料", "description": "d", "collected_on": "2023-05-01"}
    cases = [
        ({"budget": "-1", "enterprise": enterprises["bijiang"].pk}, "budget"),
        ({"deadline": "2023-04-01", "enterprise": enterprises["bijiang"].pk}, "deadline"),
        ({"enterprise": enterprises["bijiang"].pk, "unit": units["520603"].pk}, "unit"),  # not its unit
        ({}, "unit"),  # neither an enterprise nor a unit
        ({"unit": units["520600"].pk}, "unit"),  # never the city
        ({"unit": units["520602"].pk, "collected_on": "2999-01-01"}, "collected_on"),
        ({"unit": units["520602"].pk, "title": ""}, "title"),
        ({"unit": units["520602"].pk, "budget": "abc"}, "budget"),
    ]
    for extra, field in cases:
        response = client.post("/enterprises/demands/new/", {**base, **extra})
        assert response.status_code == 400, extra
        assert field in response.context["form"].errors, (extra, response.context["form"].errors)
    assert not TechDemand.objects.exists()
    # a demand of no one enterprise, under a unit
    assert (
        client.post("/enterprises/demands/new/", {**base, "unit": units["520602-GX"].pk}).status_code == 302
    )
    assert TechDemand.objects.get().unit.code == "520602-GX"


@pytest.mark.django_db
def test_demand_status_flow_with_audit_events(users, units):
    d = demand(units["520602"], dt.date(2023, 3, 5))
    client = login(users["district"])
    url = f"/enterprises/demands/{d.pk}/status/"
    # a step may not be skipped
    assert client.post(url, {"status": "solved"}).status_code == 400
    assert client.post(url, {"status": "in_guide", "note": "列入2023年度申报指南"}).status_code == 302
    # matching names the solver
    response = client.post(url, {"status": "matched", "note": ""})
    assert response.status_code == 400 and "note" in response.context["status_form"].errors
    assert client.post(url, {"status": "matched", "note": "铜仁学院材料学院"}).status_code == 302
    assert client.post(url, {"status": "solved"}).status_code == 302
    d.refresh_from_db()
    assert d.status == DemandStatus.SOLVED
    # solved is final
    assert client.post(url, {"status": "closed", "note": "x"}).status_code == 400
    events = Event.objects.filter(
        action=EventAction.WORKFLOW, object_type="enterprises.TechDemand", object_id=str(d.pk)
    ).order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("collected", "in_guide"),
        ("in_guide", "matched"),
        ("matched", "solved"),
    ]
    assert events[1].data["note"] == "铜仁学院材料学院" and events[1].unit_code == "520602"
    assert LogEntry.objects.get_for_object(d).count() == 4  # created + three status changes
    assert "铜仁学院材料学院" in client.get(f"/enterprises/demands/{d.pk}/").content.decode()


@pytest.mark.django_db
def test_closing_needs_a_reason(users, units):
    d = demand(units["520602"], dt.date(2023, 3, 5))
    client = login(users["staff"])
    assert client.post(f"/enterprises/demands/{d.pk}/status/", {"status": "closed"}).status_code == 400
    client.post(f"/enterprises/demands/{d.pk}/status/", {"status": "closed", "note": "企业已自行解决"})
    d.refresh_from_db()
    assert d.status == DemandStatus.CLOSED


@pytest.mark.django_db
def test_enterprise_files_its_own_demand_but_does_not_move_it(users, enterprises):
    me = login(users["enterprise"])
    base = {"title": "检测方法", "field": "生物与新医药", "description": "d", "collected_on": "2023-05-01"}
    # the form offers its own enterprise only
    assert (
        me.post("/enterprises/demands/new/", {**base, "enterprise": enterprises["wanshan"].pk}).status_code
        == 400
    )
    assert (
        me.post("/enterprises/demands/new/", {**base, "enterprise": enterprises["bijiang"].pk}).status_code
        == 302
    )
    d = TechDemand.objects.get()
    assert d.unit.code == "520602" and d.enterprise == enterprises["bijiang"]
    assert me.post(f"/enterprises/demands/{d.pk}/status/", {"status": "in_guide"}).status_code == 404
    edit = {**base, "title": "检测方法(修订)", "enterprise": enterprises["bijiang"].pk}
    assert me.post(f"/enterprises/demands/{d.pk}/edit/", edit).status_code == 302
    login(users["district"]).post(f"/enterprises/demands/{d.pk}/status/", {"status": "in_guide"})
    # once handled, the district changes it, not the enterprise
    response = me.post(f"/enterprises/demands/{d.pk}/edit/", {**edit, "title": "again"})
    assert response.status_code == 400
    d.refresh_from_db()
    assert d.title == "检测方法(修订)"


@pytest.mark.django_db
def test_demand_list_filters(users, units, enterprises):
    bj = units["520602"]
    demand(bj, dt.date(2023, 1, 10), "甲", field="新材料")
    demand(bj, dt.date(2023, 4, 10), "乙", field="电子信息", status=DemandStatus.IN_GUIDE)
    demand(units["520603"], dt.date(2023, 4, 12), "丙", enterprise=enterprises["wanshan"])

    def seen(user, query):
        return sorted(d.title for d in login(user).get(f"/enterprises/demands/?{query}").context["page"])

    assert seen(users["staff"], "") == ["丙", "乙", "甲"]
    assert seen(users["district"], "") == ["乙", "甲"]
    assert seen(users["staff"], "field=电子信息") == ["乙"]
    assert seen(users["staff"], "status=collected") == ["丙", "甲"]
    assert seen(users["staff"], "year=2023&month=4&only_month=1") == ["丙", "乙"]
    assert seen(users["staff"], "q=万山") == ["丙"]
    response = login(users["staff"]).get("/enterprises/demands/?month=4")
    assert "year" in response.context["form"].errors


@pytest.mark.django_db
def test_demand_list_link_returns_exactly_the_rows_tech_demands_counts(users, units):
    counter = counters()["TECH_DEMANDS"]
    bj, ws, gx = units["520602"], units["520603"], units["520602-GX"]
    for unit, day in [
        (bj, dt.date(2022, 12, 31)),  # last year: never counted in 2023
        (bj, dt.date(2023, 1, 1)),
        (bj, dt.date(2023, 3, 31)),
        (bj, dt.date(2023, 4, 1)),
        (ws, dt.date(2023, 2, 15)),
        (ws, dt.date(2023, 12, 31)),
        (gx, dt.date(2023, 3, 1)),  # a zone: its own figure, not in the city's
    ]:
        demand(unit, day, status=DemandStatus.CLOSED if day.month == 4 else DemandStatus.COLLECTED)
    staff = login(users["staff"])
    monthly = counter.monthly(2023)
    for code in ("520602", "520603", "520602-GX"):
        for month in (1, 3, 4, 12):
            response = staff.get(f"/enterprises/demands/?unit={code}&year=2023&month={month}")
            shown = {d.pk for d in response.context["page"].object_list}
            behind = set(counter.rows(2023, month, code).values_list("pk", flat=True))
            assert shown == behind
            assert len(shown) == monthly.get((code, month), 0)
    # hand-computed: 碧江 Jan–Mar 2, Jan–Apr 3; 万山 the year 2
    assert monthly[("520602", 3)] == 2 and monthly[("520602", 4)] == 3 and monthly[("520603", 12)] == 2
    # the city figure is the sum of the ten districts (the zone is not in it)
    city = staff.get("/enterprises/demands/?unit=520600&year=2023&month=12").context["page"].paginator.count
    assert city == monthly[("520602", 12)] + monthly[("520603", 12)] == 5
    # a district following the link of another unit sees nothing of it
    assert (
        login(users["district"])
        .get("/enterprises/demands/?unit=520603&year=2023&month=12")
        .context["page"]
        .paginator.count
        == 0
    )


@pytest.mark.django_db
def test_exports_are_filtered_neutralised_and_recorded(users, units, enterprises):
    demand(units["520602"], dt.date(2023, 3, 1), '=HYPERLINK("http://x")', budget=D("10.5"))
    demand(units["520603"], dt.date(2023, 3, 1), "万山需求")
    Visit.objects.create(enterprise=enterprises["bijiang"], visited_on=dt.date(2023, 3, 1), visitors="+张三")
    client = login(users["district"])
    response = client.get("/enterprises/demands/export.xlsx?year=2023")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:3] == ["征集日期", "需求名称", "技术领域"]
    assert len(rows) == 2  # the header and the district's own demand
    assert rows[1][1] == '\'=HYPERLINK("http://x")' and rows[1][4] == 10.5
    event = Event.objects.get(action=EventAction.EXPORT)
    assert event.message == "tech-demands.xlsx" and event.data["filters"] == {"year": "2023"}
    response = client.get("/enterprises/visits/export.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][4] == "'+张三"
    assert Event.objects.filter(action=EventAction.EXPORT, message="visits.xlsx").exists()


# --- scope -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_foreign_visit_and_demand_are_404_on_every_method(users, enterprises, units):
    ws = enterprises["wanshan"]
    visit = Visit.objects.create(enterprise=ws, visited_on=dt.date(2023, 3, 1), visitors="万山")
    d = demand(units["520603"], dt.date(2023, 3, 1), "万山需求", enterprise=ws, visit=visit)
    urls = [
        f"/enterprises/visits/{visit.pk}/",
        f"/enterprises/visits/{visit.pk}/edit/",
        f"/enterprises/visits/{visit.pk}/follow-up/",
        f"/enterprises/visits/{visit.pk}/demands/new/",
        f"/enterprises/demands/{d.pk}/",
        f"/enterprises/demands/{d.pk}/edit/",
        f"/enterprises/demands/{d.pk}/status/",
    ]
    for role in ("district", "enterprise", "expert"):
        client = login(users[role])
        for url in urls:
            for method in ("get", "post"):
                status = getattr(client, method)(
                    url, {"status": "in_guide", "follow_up": "done", "note": "x"}
                ).status_code
                assert status in (404, 405), (role, method, url, status)
                missing = url.replace(str(visit.pk), "999999").replace(str(d.pk), "999999")
                assert getattr(client, method)(missing).status_code == status
    visit.refresh_from_db()
    d.refresh_from_db()
    assert visit.follow_up == FollowUp.OPEN and d.status == DemandStatus.COLLECTED
    for url in ("/enterprises/visits/", "/enterprises/demands/"):
        assert "万山" not in login(users["district"]).get(url).content.decode()


@pytest.mark.django_db
def test_a_district_cannot_move_a_demand_into_another_unit(users, units, enterprises):
    d = demand(units["520602"], dt.date(2023, 3, 1))
    client = login(users["district"])
    response = client.post(
        f"/enterprises/demands/{d.pk}/edit/",
        {
            "title": "t",
            "field": "f",
            "description": "d",
            "collected_on": "2023-03-01",
            "unit": units["520603"].pk,
        },
    )
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    d.refresh_from_db()
    assert d.unit.code == "520602"


# --- import ----------------------------------------------------------------------------------

HEADER = "所属单位,统一社会信用代码,需求名称,技术领域,需求描述,预算(万元),期望解决时间,征集日期,状态,走访日期"


def write(tmp_path, lines, name="d.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_demands(users, enterprises, units, tmp_path):
    bj = enterprises["bijiang"]
    visit = Visit.objects.create(enterprise=bj, visited_on=dt.date(2023, 3, 1), visitors="张三")
    path = write(
        tmp_path,
        [
            HEADER,
            f"520602,{bj.uscc},锰渣综合利用,资源与环境,锰渣制砖,50,2024-12-31,2023-03-02,,2023-03-01",
            "碧江区,,大数据平台,电子信息,政务数据,,,2023-04-01,已纳入申报指南,",
        ],
    )
    result = import_file("tech_demands", path, actor=users["district"])
    assert (result.created, result.updated) == (2, 0)
    a, b = TechDemand.objects.order_by("id")
    assert (a.enterprise, a.visit, a.budget, a.status) == (bj, visit, D("50.00"), DemandStatus.COLLECTED)
    assert (b.enterprise, b.unit.code, b.status) == (None, "520602", DemandStatus.IN_GUIDE)
    # the same file again is refused, and with update it replaces
    with pytest.raises(ImportFailed) as info:
        import_file("tech_demands", path, actor=users["district"])
    assert [str(e).split(":")[0] for e in info.value.errors] == [
        "row 2, column 需求名称",
        "row 3, column 需求名称",
    ]
    changed = write(
        tmp_path,
        [HEADER, f"520602,{bj.uscc},锰渣综合利用,资源与环境,锰渣制砖,80,,2023-03-02,,"],
        name="u.csv",
    )
    result = import_file("tech_demands", changed, actor=users["district"], options={"update": True})
    assert (result.created, result.updated) == (0, 1)
    a.refresh_from_db()
    assert a.budget == D("80.00") and a.visit == visit


@pytest.mark.django_db
def test_import_names_every_bad_row_and_column_and_writes_nothing(users, enterprises, units, tmp_path):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    path = write(
        tmp_path,
        [
            HEADER,
            f"520602,{bj.uscc},a,新材料,d,-5,,2023-03-02,,",  # 2 negative budget
            f"520603,{bj.uscc},b,新材料,d,,,2023-03-02,,",  # 3 not the enterprise's unit
            "520602,91350200776049653B,c,新材料,d,,,2023-03-02,,",  # 4 bad check character
            f"520602,{bj.uscc},d,新材料,d,,2023-01-01,2023-03-02,,",  # 5 wanted before collected
            "520600,,e,新材料,d,,,2023-03-02,,",  # 6 the city
            f"520602,{bj.uscc},f,新材料,d,,,2023-03-02,,2023-02-01",  # 7 no such visit
            f"520602,{bj.uscc},a,新材料,d,,,2023-03-02,,",  # 8 the same as row 2
            "520602,,g,新材料,d,,,2023-03-02,未知,",  # 9 unknown status
            "520602,,,新材料,d,,,2099-01-01,,",  # 10 no title, future date
        ],
    )
    with pytest.raises(ImportFailed) as info:
        import_file("tech_demands", path, actor=users["staff"])
    got = [(e.row, e.column) for e in info.value.errors]
    assert got == [
        (2, "预算(万元)"),
        (3, "所属单位"),
        (4, "统一社会信用代码"),
        (5, "期望解决时间"),
        (6, "所属单位"),
        (7, "走访日期"),
        (8, "需求名称"),
        (9, "状态"),
        (10, "需求名称"),
        (10, "征集日期"),
    ]
    assert "is in 碧江区, not 万山区" in str(info.value.errors[1])
    assert not TechDemand.objects.exists()
    # a district may not import another unit's demands, nor name a foreign enterprise
    foreign = write(
        tmp_path,
        [HEADER, "520603,,x,新材料,d,,,2023-03-02,,", f"520602,{ws.uscc},y,新材料,d,,,2023-03-02,,"],
        name="f.csv",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("tech_demands", foreign, actor=users["district"])
    messages = [str(e) for e in info.value.errors]
    assert messages[0] == "row 2, column 所属单位: outside your data scope"
    assert messages[1] == f"row 3, column 统一社会信用代码: no enterprise with code {ws.uscc} in your scope"
    assert not TechDemand.objects.exists()
