"""The dispatch dashboard: headline figures with completion against time, the league table with
rank changes, the trend chart's data, drill-down to a unit and to the records behind a counted
figure, "no data" never shown as 0, the districts' own page, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from dispatch.models import Actual, ActualOrigin
from enterprises.models import Enterprise, HteApplication
from org.models import Unit
from plan.models import Indicator, Target

CITY, BJ, WS, JK = "520600", "520602", "520603", "520621"


def figures(units, rows):
    indicators = {i.code: i for i in Indicator.objects.all()}
    Actual.objects.bulk_create(
        Actual(
            unit=units[u],
            indicator=indicators[c],
            year=int(p[:4]),
            month=int(p[5:]),
            value=Decimal(str(v)),
            origin=ActualOrigin.IMPORT,
        )
        for u, c, p, v in rows
    )


@pytest.fixture
def season(units, enterprises):
    """高新技术产业产值 of three districts in 2022 and 2023 (May and June), district targets,
    and one HTE application of 碧江区 in March 2023."""
    figures(
        units,
        [
            (BJ, "HT_OUTPUT", "2022-05", 80),
            (BJ, "HT_OUTPUT", "2022-06", 100),
            (BJ, "HT_OUTPUT", "2022-12", 250),
            (BJ, "HT_OUTPUT", "2023-05", 110),
            (BJ, "HT_OUTPUT", "2023-06", 130),
            (WS, "HT_OUTPUT", "2022-05", 40),
            (WS, "HT_OUTPUT", "2022-06", 50),
            (WS, "HT_OUTPUT", "2022-12", 110),
            (WS, "HT_OUTPUT", "2023-05", 50),
            (WS, "HT_OUTPUT", "2023-06", 55),
            (JK, "HT_OUTPUT", "2022-05", 10),
            (JK, "HT_OUTPUT", "2022-06", 10),
            (JK, "HT_OUTPUT", "2023-05", 7),
            (JK, "HT_OUTPUT", "2023-06", 9),
        ],
    )
    ht = Indicator.objects.get(code="HT_OUTPUT")
    Target.objects.create(year=2023, unit=units[BJ], indicator=ht, value=Decimal(300))
    Target.objects.create(year=2023, unit=units[WS], indicator=ht, value=Decimal(130))
    HteApplication.objects.create(
        enterprise=enterprises["bijiang"], year=2023, applied_on=dt.date(2023, 3, 1)
    )


def login(user, english=True) -> Client:
    client = Client()
    client.force_login(user)
    if english:
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_headline_figures_of_the_city(users, season):
    page = login(users["leader"]).get("/dispatch/?year=2023&month=6")
    assert page.status_code == 200
    rows = {r.code: r for r, _city in page.context["headline_rows"]}
    ht = rows["HT_OUTPUT"]
    # City: 130 + 55 + 9 = 194 against the plan's 316: 61.4 % at half the year.
    assert (ht.actual, ht.target) == (Decimal("194.00"), Decimal("316.00"))
    assert ht.completion_text == "61.4%"
    assert (ht.bar, ht.marker, ht.pace) == ("61.4", "50.0", "ahead")
    assert ht.yoy_text == "+21.3%"  # 194 / 160 − 1
    # Forecast 194 × 360 / 160 = 436.5 meets 316; last year had no figure before June's.
    assert (ht.forecast, ht.meets) == (Decimal("436.50"), True)
    # Last year's forecasts of the city by the pace: May 130 × 12 / 5 = 312 and June 160 × 2 = 320
    # against December's 360 (250 + 110): (48 + 40) / 360 / 2 = 12.2 %.
    assert (ht.mape_text, ht.mape_months) == ("12.2%", 2)
    hte = rows["HTE_APPLIED"]
    assert (hte.actual, hte.target, hte.source) == (1, 30, "registry")
    # No registration at all: the row says "no data", never 0.
    tsme = rows["TSME_REGISTERED"]
    assert tsme.actual is None and tsme.completion is None
    body = page.content.decode()
    row_html = re.search(r"indicator=TSME_REGISTERED#trend.*?</tr>", body, re.S).group(0)
    assert "no data" in row_html and ">0<" not in row_html
    # The plan's reference indicators (GDP …) are not headline figures.
    assert "GDP" not in rows


def test_league_table_ranks_by_growth_with_the_change_since_last_month(users, season):
    page = login(users["staff"]).get("/dispatch/?year=2023&month=6&indicator=HT_OUTPUT")
    league = page.context["districts"]
    ranked = [(r.unit, r.rank, r.rank_change) for r in league if r.rank is not None]
    # June: 碧江 +30 %, 万山 +10 %, 江口 −10 %. May: 碧江 +37.5 %, 万山 +25 %, 江口 −30 %.
    assert ranked == [(BJ, 1, 0), (WS, 2, 0), (JK, 3, 0)]
    assert [r.unit for r in league][:3] == [BJ, WS, JK]
    assert league[0].completion_text == "43.3%"  # 130 / 300
    assert {c for c, _l, _k in league[2].warnings} == {"NEGATIVE_GROWTH", "BOTTOM_RANK"}
    assert league[2].colour == "red"
    assert len(league) == Unit.objects.filter(kind="district").count()  # every district, with or without data
    assert league[-1].actual is None
    # 江口 overtakes 万山 in July.
    figures(
        Unit.objects.in_bulk(field_name="code"),
        [
            (BJ, "HT_OUTPUT", "2022-07", 120),
            (BJ, "HT_OUTPUT", "2023-07", 140),
            (JK, "HT_OUTPUT", "2022-07", 10),
        ]
        + [
            (JK, "HT_OUTPUT", "2023-07", 13),
            (WS, "HT_OUTPUT", "2022-07", 60),
            (WS, "HT_OUTPUT", "2023-07", 58),
        ],
    )
    july = login(users["staff"]).get("/dispatch/?year=2023&month=7&indicator=HT_OUTPUT").context["districts"]
    assert [(r.unit, r.rank, r.rank_change) for r in july if r.rank] == [(JK, 1, 2), (BJ, 2, -1), (WS, 3, -1)]


def test_trend_chart_data_is_a_json_block_and_the_script_is_local(users, season):
    page = login(users["staff"]).get("/dispatch/?year=2023&month=6&indicator=HT_OUTPUT")
    body = page.content.decode()
    data = json.loads(
        re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', body).group(1)
    )
    this_year, last_year = data["series"]
    assert (this_year["name"], last_year["name"]) == ("2023", "2022")
    assert this_year["data"][4:6] == [167.0, 194.0] and this_year["data"][6] is None
    assert last_year["data"][11] == 360.0  # December 2022: 250 + 110
    assert last_year["data"][0] is None  # no figure: a gap, not 0
    assert "/static/vendor/echarts/echarts.min.js" in body and "/static/dispatch/charts.js" in body
    # No inline script: every <script> is a file or a JSON data block.
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_echarts_only_where_a_chart_is_drawn(users, season):
    page = login(users["staff"]).get(f"/dispatch/units/{BJ}/records/HTE_APPLIED/?year=2023&month=6")
    assert page.status_code == 200
    assert "echarts" not in page.content.decode()
    assert "echarts" not in login(users["staff"]).get("/").content.decode()


def test_unit_page_drills_down_with_the_city_beside(users, season):
    page = login(users["staff"]).get(f"/dispatch/units/{WS}/?year=2023&month=6&indicator=HT_OUTPUT")
    assert page.status_code == 200
    rows = {r.code: (r, city) for r, city in page.context["rows"]}
    mine, city = rows["HT_OUTPUT"]
    assert (mine.actual, mine.rank, city.actual) == (Decimal("55.00"), 2, Decimal("194.00"))
    assert mine.completion_text == "42.3%"  # 55 / 130
    assert [w.code for w in page.context["warned"]] == [c for c, (r, _c) in rows.items() if r.warnings]
    assert page.context["trend"]["chart"]["series"][0]["data"][5] == 55.0


def test_records_behind_a_counted_figure(users, season, units):
    other = Enterprise.objects.create(uscc="91520603MA0000001X", name="万山另一企业", unit=units[WS])
    HteApplication.objects.create(enterprise=other, year=2023, applied_on=dt.date(2023, 5, 2))
    staff = login(users["staff"])
    page = staff.get(f"/dispatch/units/{BJ}/records/HTE_APPLIED/?year=2023&month=6")
    assert [i["label"] for i in page.context["items"]] == ["碧江测试企业 2023"]
    assert page.context["figure"] == 1
    city = staff.get(f"/dispatch/units/{CITY}/records/HTE_APPLIED/?year=2023&month=6")
    assert city.context["figure"] == 2 and city.context["listed"] == 2
    # Before May the 万山 application is not behind the figure.
    assert staff.get(f"/dispatch/units/{CITY}/records/HTE_APPLIED/?year=2023&month=4").context["listed"] == 1
    # A district reading the city's figure sees only its own records behind it, and is told so.
    district = login(users["district"])
    mine = district.get(f"/dispatch/units/{CITY}/records/HTE_APPLIED/?year=2023&month=6")
    assert mine.context["listed"] == 1 and mine.context["partial"]
    assert "万山另一企业" not in mine.content.decode()
    # A reported indicator has no records page.
    assert staff.get(f"/dispatch/units/{BJ}/records/HT_OUTPUT/").status_code == 404


def test_a_district_sees_its_own_page(users, season):
    district = login(users["district"])
    response = district.get("/dispatch/?year=2023&month=6")
    assert response.status_code == 302 and response.url == f"/dispatch/units/{BJ}/?year=2023&month=6"
    page = district.get(response.url)
    assert page.status_code == 200
    rows = {r.code: (r, city) for r, city in page.context["rows"]}
    assert rows["HT_OUTPUT"][0].actual == Decimal("130.00") and rows["HT_OUTPUT"][1].actual == Decimal(
        "194.00"
    )
    body = page.content.decode()
    assert "万山区" not in body
    assert district.get(f"/dispatch/units/{WS}/").status_code == 404
    assert district.get(f"/dispatch/units/{WS}/records/HTE_APPLIED/").status_code == 404
    assert district.get(f"/dispatch/units/{CITY}/").status_code == 200


def test_who_reads_the_dashboard(users, season):
    for role in ("enterprise", "expert"):
        assert login(users[role]).get("/dispatch/").status_code == 404
    assert Client().get("/dispatch/").status_code == 302  # to the login page
    nav = login(users["leader"]).get("/").content.decode()
    assert 'href="/dispatch/"' in nav
    assert 'href="/dispatch/"' not in login(users["enterprise"]).get("/").content.decode()


def test_bad_parameters_fall_back_to_defaults(users, season):
    page = login(users["staff"]).get("/dispatch/?year=abc&month=13&indicator=NOPE")
    assert page.status_code == 200
    assert (page.context["year"], page.context["month"]) == (2023, 6)  # the latest figures
    assert page.context["indicator"] == "HT_OUTPUT"  # the first indicator with ranks


def test_no_data_at_all(users):
    page = login(users["staff"]).get("/dispatch/?year=2023&month=3")
    assert page.status_code == 200
    assert all(r.actual is None for r, _c in page.context["headline_rows"])
    assert page.context["trend"]["has_data"] is False


def test_chinese_by_default(users, season):
    body = login(users["staff"], english=False).get("/dispatch/?year=2023&month=6").content.decode()
    assert "调度" in body and "无数据" in body


def _more_units_and_indicators(units, n_units: int):
    """n more districts, each with figures of every reported indicator, and one more indicator."""
    extra = [
        Unit.objects.create(
            code=f"5206{90 + i}", name=f"测试区{i}", short_name=f"test{i}", kind="district", order=50 + i
        )
        for i in range(n_units)
    ]
    Indicator.objects.create(
        code="EXTRA", name="附加指标", measure="项", kind="cumulative", source="reported", order=99
    )
    every = Indicator.objects.exclude(kind="ratio")
    Actual.objects.bulk_create(
        Actual(
            unit=u, indicator=i, year=y, month=m, value=Decimal(m * 10 + y - 2020), origin=ActualOrigin.IMPORT
        )
        for u in extra
        for i in every
        for y in (2021, 2022, 2023)
        for m in (5, 6, 12)
    )


@pytest.mark.parametrize("path", ["/dispatch/?year=2023&month=6", f"/dispatch/units/{BJ}/?year=2023&month=6"])
def test_queries_are_bounded_whatever_the_number_of_units_and_indicators(
    users, season, units, path, django_assert_max_num_queries
):
    client = login(users["staff"])
    client.get(path)  # warm caches (content types, the session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _more_units_and_indicators(units, 5)
    with django_assert_max_num_queries(len(small)):
        assert client.get(path).status_code == 200
    # A fixed cost: a few queries of the page, and one per registry counter and year read (three
    # years: this, the last and the one before, for the backtest).
    assert len(small) <= 120


# ---------------------------------------------------------------------------------------------
# API: /api/v1/dispatch/figures
# ---------------------------------------------------------------------------------------------


def api(user) -> Client:
    from org.models import ApiToken

    _token, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_figures_are_the_status_rows_filtered(users, season):
    staff = api(users["staff"])
    body = staff.get("/api/v1/dispatch/figures?year=2023&month=6&indicator=HT_OUTPUT").json()
    rows = {r["unit"]: r for r in body["items"]}
    assert body["count"] == len(body["items"]) == 4  # the city and the three districts
    assert rows[CITY]["actual"] == 194 and rows[CITY]["target"] == 316
    assert rows[JK]["warnings"] == ["NEGATIVE_GROWTH", "BOTTOM_RANK"]
    assert rows[CITY]["meets_target"] is True and rows[CITY]["source"] is None
    # Last year's forecasts of 碧江 by the pace (no 2021 figures): May 80 × 12 / 5 = 192 and June
    # 100 × 12 / 6 = 200 against December's 250: (0.232 + 0.2) / 2.
    assert rows[BJ]["backtest_mape"] == pytest.approx(0.216) and rows[BJ]["backtest_months"] == 2
    assert rows[JK]["backtest_mape"] is None  # no December 2022
    one = staff.get(f"/api/v1/dispatch/figures?year=2023&month=6&unit={WS}").json()
    assert {r["unit"] for r in one["items"]} == {WS}
    hte = staff.get("/api/v1/dispatch/figures?year=2023&month=6&indicator=HTE_APPLIED&unit=520600").json()
    assert hte["items"][0]["source"] == "registry" and hte["items"][0]["actual"] == 1


def test_api_figures_are_scoped_and_validated(users, season):
    district = api(users["district"])
    rows = district.get("/api/v1/dispatch/figures?year=2023&month=6&indicator=HT_OUTPUT").json()["items"]
    assert {r["unit"] for r in rows} == {CITY, BJ}
    assert district.get(f"/api/v1/dispatch/figures?year=2023&month=6&unit={WS}").json() == {
        "items": [],
        "count": 0,
    }
    assert district.get("/api/v1/dispatch/figures?year=2023&month=13").status_code == 422
    assert Client().get("/api/v1/dispatch/figures?year=2023&month=6").status_code == 401


def test_api_trend(users, season):
    staff = api(users["staff"])
    trend = staff.get(f"/api/v1/dispatch/figures/trend?year=2023&unit={CITY}&indicator=HT_OUTPUT").json()
    assert trend["this_year"][4:7] == [167.0, 194.0, None]
    assert trend["last_year"][11] == 360.0
    district = api(users["district"])
    assert (
        district.get(f"/api/v1/dispatch/figures/trend?year=2023&unit={WS}&indicator=HT_OUTPUT").status_code
        == 404
    )
    assert (
        district.get(f"/api/v1/dispatch/figures/trend?year=2023&unit={BJ}&indicator=HT_OUTPUT").status_code
        == 200
    )
    assert staff.get(f"/api/v1/dispatch/figures/trend?year=2023&unit={BJ}&indicator=NOPE").status_code == 404


def test_the_per_record_and_the_vectorised_path_give_the_same_page(users, season, monkeypatch):
    """The figures pick the per-record path at a city's size; forced onto polars, every figure,
    backtest and trend is the same."""
    import dispatch.figures as figures_module
    from dispatch.figures import figure_data

    small = figure_data(2023, years_back=2)
    monkeypatch.setattr(figures_module, "VECTORISE_FROM", 0)
    large = figure_data(2023, years_back=2)
    assert not small.vectorised and large.vectorised
    for month in (1, 5, 6, 12):
        assert small.figures(month) == large.figures(month)
    assert small.backtests() == large.backtests()
    units = list(small.units)
    assert small.trends(units) == large.trends(units)


def test_units_for_user_follow_the_figures_scope(users, season):
    """The units whose figures a user reads are those of Actual's and Target's ScopeSpec: every
    unit whose rows `for_user` lets through is one, and a district gets its own and the city."""
    from dispatch.figures import units_for_user

    for role, user in users.items():
        units = set(units_for_user(user).values_list("code", flat=True))
        for model in (Actual, Target):
            assert set(model.objects.for_user(user).values_list("unit__code", flat=True)) <= units, role
    assert set(units_for_user(users["district"]).values_list("code", flat=True)) == {BJ, CITY}
    assert set(units_for_user(users["enterprise"]).values_list("code", flat=True)) == {CITY}
    assert units_for_user(users["leader"]).count() == Unit.objects.count()


@pytest.mark.parametrize("path", ["/dispatch/?year=2023&month=6", f"/dispatch/units/{BJ}/?year=2023&month=6"])
def test_levels_are_resolved_once_per_page(users, season, path, monkeypatch):
    """This month's figures, last month's (the rank change), the backtest and the trend share one
    resolution of the loaded years' levels, made within the request (nothing kept across)."""
    import dispatch.figures as figures_module

    calls = []
    resolve = figures_module.resolve_level_rows

    def counted(*args, **kwargs):
        calls.append(1)
        return resolve(*args, **kwargs)

    monkeypatch.setattr(figures_module, "resolve_level_rows", counted)
    client = login(users["staff"])
    assert client.get(path).status_code == 200
    assert len(calls) == 1
    assert client.get(path).status_code == 200
    assert len(calls) == 2
