"""`kechuang import contracts`: every column of CONTRACTS.md, Chinese headers, all-or-nothing,
each bad value named by row and column, duplicates in the file and against the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import Event, EventAction, ImportRun
from tests.transfer.conftest import HEADER, ROW_1, ROW_2, ROW_3
from transfer.models import ContractStatus, TechContract


def messages(info) -> list[str]:
    return [str(e) for e in info.value.errors]


@pytest.mark.django_db
def test_good_file_registers_every_contract(enterprises, write_csv):
    result = import_file("contracts", write_csv([HEADER, ROW_1, ROW_2, ROW_3]))
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    one = TechContract.objects.get(registration_no="2023520602000001")
    assert one.status == ContractStatus.REGISTERED
    assert one.seller == enterprises["bijiang"]  # linked by the seller's code
    assert (one.contract_value, one.tech_value) == (Decimal("500"), Decimal("420.5"))
    assert (one.signed, one.registered, one.unit.code, one.type) == (
        dt.date(2023, 1, 10),
        dt.date(2023, 2, 15),
        "520602",
        "技术开发",
    )
    two = TechContract.objects.get(registration_no="2023520602000002")
    assert two.seller is None and two.seller_name == "铜仁学院" and two.unit.code == "520602"  # unit by name
    assert TechContract.objects.get(registration_no="2023520603000001").seller == enterprises["wanshan"]
    run = ImportRun.objects.get(kind="contracts")
    assert run.created_count == 3 and len(run.sha256) == 64
    assert Event.objects.filter(action=EventAction.IMPORT, data__kind="contracts").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_header_labels(units, write_csv, encoding):
    header = "登记编号,卖方统一社会信用代码,卖方名称,买方名称,合同类型,合同成交额,技术交易额,签订日期,登记日期,所属单位,合同子类"
    row = "2023520602000009,,铜仁学院,某公司,技术服务,12.5,10,2023/04/01,2023年04月20日,碧江区,技术培训"
    import_file("contracts", write_csv([header, row], encoding=encoding))
    contract = TechContract.objects.get()
    assert (contract.sub_kind, contract.registered) == ("技术培训", dt.date(2023, 4, 20))


@pytest.mark.django_db
def test_xlsx_first_sheet(units, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(
        [
            "2023520602000001",
            "",
            "铜仁学院",
            "某公司",
            "技术咨询",
            30.5,
            30,
            dt.date(2023, 1, 3),
            dt.date(2023, 1, 9),
            520602,
        ]
    )
    path = tmp_path / "c.xlsx"
    wb.save(path)
    import_file("contracts", path)
    assert TechContract.objects.get().contract_value == Decimal("30.5")


@pytest.mark.django_db
def test_every_bad_value_is_named_and_nothing_is_written(units, write_csv):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    bad = [
        HEADER,
        ROW_1,
        # invalid code, tech value above the contract value, registered before signed
        "2023520602000003,91350200776049653B,甲,乙,技术开发,100,150,2023-05-01,2023-04-01,520602",
        # signed and registered in the future, unknown unit and type
        f"2023520602000004,,甲,乙,技术研究,100,50,{future},{future},520699",
        # the same number as row 2 (after removing spaces), a sub-kind given as the type
        "2023 5206 0200 0001,,甲,乙,技术培训,10,10,2023-01-01,2023-01-05,520602",
        # empty seller name and negative amount, the city as the unit, a bad date
        "2023520602000006,,,乙,技术服务,-5,1,2023-13-01,2023-01-05,520600",
        # contract value zero
        "2023520602000007,,甲,乙,技术服务,0,0,2023-01-01,2023-01-05,520602",
    ]
    with pytest.raises(ImportFailed) as info:
        import_file("contracts", write_csv(bad))
    got = messages(info)
    expected = [
        "row 3, column seller_uscc: '91350200776049653B': the check character is wrong (GB 32100)",
        "row 3, column tech_value: the technical transaction value 150 is more than the contract value 100",
        "row 3, column registered: registered on 2023-04-01, before it was signed on 2023-05-01",
        f"row 4, column signed: {future} is in the future",
        f"row 4, column registered: {future} is in the future",
        "row 4, column unit: unknown unit '520699' (use a code such as 520602)",
        "row 4, column type: '技术研究' is not a contract type (use one of: 技术开发, 技术转让, 技术许可, 技术咨询, 技术服务)",
        "row 5, column type: '技术培训' is a sub-kind of 技术服务: give 技术服务 as the type and 技术培训 as the sub-kind",
        "row 5, column registration_no: the same registration number as row 2",
        "row 6, column seller_name: is empty",
        "row 6, column contract_value: -5 is negative",
        "row 6, column signed: '2023-13-01' is not a date (use YYYY-MM-DD)",
        "row 6, column unit: the city is not a unit of its own here: give the district or zone the record belongs to",
        "row 7, column contract_value: the contract value must be more than 0",
    ]
    for message in expected:
        assert message in got, (message, got)
    assert len(got) == len(expected), got
    assert TechContract.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_messages_use_the_files_own_headers(units, write_csv):
    header = "登记编号,卖方统一社会信用代码,卖方名称,买方名称,合同类型,合同成交额,技术交易额,签订日期,登记日期,所属单位"
    row = "X1,,甲,乙,技术开发,100,150,2023-05-01,2023-05-02,520602"
    with pytest.raises(ImportFailed) as info:
        import_file("contracts", write_csv([header, row]))
    assert messages(info) == [
        "row 2, column 技术交易额: the technical transaction value 150 is more than the contract value 100"
    ]


@pytest.mark.django_db
def test_a_number_already_registered_is_an_error_unless_update(units, write_csv):
    import_file("contracts", write_csv([HEADER, ROW_1]))
    again = write_csv([HEADER, ROW_1.replace(",500,420.5,", ",600,420.5,")], name="again.csv")
    with pytest.raises(ImportFailed) as info:
        import_file("contracts", again)
    assert messages(info) == [
        "row 2, column registration_no: 2023520602000001 is already registered (use --update to replace it)"
    ]
    result = import_file("contracts", again, options={"update": True})
    assert (result.created, result.updated) == (0, 1)
    assert TechContract.objects.get().contract_value == Decimal("600")


@pytest.mark.django_db
def test_missing_columns_are_named(units, write_csv):
    with pytest.raises(ImportFailed) as info:
        import_file("contracts", write_csv(["registration_no,seller_name,unit", "X,甲,520602"]))
    assert "row 1: missing column(s) seller_uscc, buyer_name, type" in messages(info)[0]


@pytest.mark.django_db
def test_a_district_imports_only_its_own_unit(users, write_csv):
    with pytest.raises(ImportFailed) as info:
        import_file("contracts", write_csv([HEADER, ROW_1, ROW_3]), actor=users["district"])
    assert messages(info) == ["row 3, column unit: outside your data scope"]
    assert TechContract.objects.count() == 0
    assert (
        import_file("contracts", write_csv([HEADER, ROW_1], name="own.csv"), actor=users["district"]).created
        == 1
    )


@pytest.mark.django_db
def test_a_district_cannot_update_another_units_contract(users, write_csv):
    import_file("contracts", write_csv([HEADER, ROW_3]))
    # 碧江区 claims 万山区's number for itself.
    claim = ROW_3.replace(",520603", ",520602")
    with pytest.raises(ImportFailed) as info:
        import_file(
            "contracts",
            write_csv([HEADER, claim], name="claim.csv"),
            actor=users["district"],
            options={"update": True},
        )
    assert messages(info) == ["row 2, column registration_no: 2023520603000001 is already registered"]
    assert TechContract.objects.get().unit.code == "520603"


@pytest.mark.django_db
def test_an_imported_contract_closes_its_follow_up_item(units, write_csv, make_contract):
    lead = make_contract(
        status="signed_unregistered",
        seller_name="铜仁学院",
        buyer_name="贵州某茶业有限公司",
        value="80.25",
        signed=dt.date(2023, 2, 1),
        follow_up_owner="张明",
    )
    result = import_file("contracts", write_csv([HEADER, ROW_2]))
    assert (result.created, result.updated) == (0, 1)
    lead.refresh_from_db()
    assert lead.status == ContractStatus.REGISTERED
    assert (lead.registration_no, lead.registered) == ("2023520602000002", dt.date(2023, 3, 3))
    assert lead.follow_up_owner == "张明"  # the history of the follow-up is kept
    assert ImportRun.objects.get().options["follow_up_closed"] == 1


@pytest.mark.django_db
def test_likely_duplicates_are_noted_not_refused(units, write_csv):
    twin = ROW_2.replace("2023520602000002", "2023520602000099").replace("2023-03-03", "2023-03-12")
    result = import_file("contracts", write_csv([HEADER, ROW_2, twin]))
    assert result.created == 2
    assert ImportRun.objects.get().options["likely_duplicates"] == [["2023520602000002", "2023520602000099"]]


@pytest.mark.django_db
def test_cli(units, write_csv, capsys):
    good = write_csv([HEADER, ROW_1])
    call_command("import", "contracts", str(good), "--dry-run")
    assert TechContract.objects.count() == 0
    call_command("import", "contracts", str(good))
    assert TechContract.objects.count() == 1
    bad = write_csv([HEADER, ROW_1.replace(",420.5,", ",900,")], name="bad.csv")
    with pytest.raises(CommandError, match="1 problem; nothing was imported"):
        call_command("import", "contracts", str(bad), "--update")
    assert (
        "row 2, column tech_value: the technical transaction value 900 is more than the contract value 500"
        in (capsys.readouterr().err)
    )


@pytest.mark.django_db
def test_follow_up_list_import(enterprises, write_csv):
    header = "卖方统一社会信用代码,卖方名称,买方名称,合同类型,合同成交额,签订日期,有效期至,所属单位,跟进责任人,跟进情况"
    rows = [
        header,
        "91350200776049653A,碧江测试企业,某公司,技术开发,66,2023-10-01,2024-10-01,520602,张明,待盖章",
        ",铜仁学院,某公司,技术服务,12,2023-11-01,,520602,李华,",
    ]
    result = import_file("contract-followups", write_csv(rows))
    assert result.created == 2
    lead = TechContract.objects.get(seller_name="碧江测试企业")
    assert lead.status == ContractStatus.SIGNED_UNREGISTERED and lead.registration_no is None
    assert (lead.tech_value, lead.follow_up_owner, lead.seller) == (
        Decimal("66"),
        "张明",
        enterprises["bijiang"],
    )
    bad = [header, ",甲,乙,技术服务,12,2023-11-01,2023-10-01,520602,,"]
    with pytest.raises(ImportFailed) as info:
        import_file("contract-followups", write_csv(bad, name="bad.csv"))
    assert messages(info) == [
        "row 2, column 跟进责任人: is empty",
        "row 2, column 有效期至: valid until 2023-10-01, before it was signed on 2023-11-01",
    ]
