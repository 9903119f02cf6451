"""The demo: accounts of CONTRACTS.md, plausible data, the 演示数据 banner on every page."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from dispatch.models import Actual
from enterprises.models import Enterprise
from org.models import User
from rules.uscc import validate

PASSWORD = "Demo-pass-2023"


# The demo takes a minute or more of CPU to build: one test builds it once and runs every check on
# it (nine builds per database made the suite's slowest part).


def test_the_demo(db, monkeypatch):
    monkeypatch.setenv("KECHUANG_DEMO_PASSWORD", PASSWORD)
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))  # noqa: SIM115
    check_accounts_of_the_contract()
    check_data_is_deterministic_valid_and_at_scale()
    for username in ("admin", "staff", "leader", "bijiang", "expert1"):
        check_home_and_pages_show_the_demo_banner(username)
    check_running_demo_again_keeps_the_data()


def check_accounts_of_the_contract():
    names = set(User.objects.values_list("username", flat=True))
    expected = {
        "admin",
        "staff",
        "leader",
        "bijiang",
        "wanshan",
        "jiangkou",
        "yuping",
        "shiqian",
        "sinan",
        "yinjiang",
        "dejiang",
        "yanhe",
        "songtao",
    } | {f"expert{i}" for i in range(1, 10)}
    assert expected <= names
    ent_accounts = [n for n in names if n.startswith("ent-")]
    assert ent_accounts and all(Enterprise.objects.filter(uscc=n[4:]).exists() for n in ent_accounts)
    client = Client()
    assert client.login(username="songtao", password=PASSWORD)


def check_data_is_deterministic_valid_and_at_scale():
    assert 200 <= Enterprise.objects.count() <= 500
    assert all(validate(u)[0] for u in Enterprise.objects.values_list("uscc", flat=True))
    # 2022 city GDP from the ten districts is about 1,390亿元 (shares sum to 1.00 before zones).
    gdp = Actual.objects.filter(indicator__code="GDP", year=2022, month=12, unit__kind="district").aggregate(
        s=Sum("value")
    )["s"]
    assert Decimal("1200") < gdp < Decimal("1450")
    first = Enterprise.objects.order_by("id").values_list("uscc", "name").first()
    assert first == ("91520602EUCAKJAL9J", "贵州茶店制药有限公司")


def check_running_demo_again_keeps_the_data():
    before = Enterprise.objects.count()
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Enterprise.objects.count() == before


def check_home_and_pages_show_the_demo_banner(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    for path in ("/", "/plan/", "/enterprises/", "/units/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "演示数据" in response.content.decode(), (username, path)
