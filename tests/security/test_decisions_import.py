"""Decision columns in imports are the bureau's too (security.md items 16/17): a district's
list may not record a platform's recognition, a project's approval or an award's result; it may
leave them empty (a platform then comes in as cultivating) or give a step it may take itself.
The bureau's import records them."""

from __future__ import annotations

import pytest

from kechuang.core.imports import ImportFailed, import_file
from platforms.models import Platform
from transfer.models import AwardApplication, TransferProject

PLATFORMS = "平台名称,平台类型,级别,所属单位,依托单位,认定日期,状态"
PROJECTS = "项目名称,申报单位,申报日期,状态,立项日期,支持资金,所属单位"
AWARDS = "成果名称,完成单位,奖种,年度,申报日期,评审结果,等级,结果日期,所属单位"


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_district_cannot_record_a_decision_by_import(users, tmp_path):
    district = users["district"]
    cases = [
        (
            "platforms",
            [PLATFORMS, "碧江锰材料中心,重点实验室,市级,520602,铜仁学院,2023-06-01,认定"],
            {
                "row 2, column 状态: recorded by the bureau: leave it empty",
                "row 2, column 认定日期: recorded by the bureau: leave it empty",
            },
        ),
        (
            "transfer-projects",
            [PROJECTS, "锰渣转化,碧江企业,2023-04-01,已立项,2023-07-01,50,520602"],
            {
                "row 2, column 状态: recorded by the bureau: leave it empty",
                "row 2, column 立项日期: recorded by the bureau: leave it empty",
                "row 2, column 支持资金: recorded by the bureau: leave it empty",
            },
        ),
        (
            "awards",
            [AWARDS, "锰业关键技术,铜仁学院,科技进步奖,2023,2023-03-01,获奖,二等奖,2023-12-20,520602"],
            {
                "row 2, column 评审结果: recorded by the bureau: leave it empty",
                "row 2, column 等级: recorded by the bureau: leave it empty",
                "row 2, column 结果日期: recorded by the bureau: leave it empty",
            },
        ),
    ]
    for kind, lines, expected in cases:
        with pytest.raises(ImportFailed) as info:
            import_file(kind, write(tmp_path, f"{kind}.csv", lines), actor=district)
        assert expected <= {str(e) for e in info.value.errors}, (kind, info.value.errors)
    assert not Platform.objects.exists()
    assert not TransferProject.objects.exists() and not AwardApplication.objects.exists()


@pytest.mark.django_db
def test_a_district_proposes_and_the_bureau_decides(users, tmp_path):
    district, staff = users["district"], users["staff"]
    # empty decision columns: the platform comes in as cultivating, not approved
    import_file(
        "platforms",
        write(tmp_path, "p.csv", [PLATFORMS, "碧江锰材料中心,重点实验室,市级,520602,铜仁学院,,"]),
        actor=district,
    )
    assert Platform.objects.get().status == "cultivating"
    # a step the proposer may take itself
    import_file(
        "transfer-projects",
        write(tmp_path, "t.csv", [PROJECTS, "锰渣转化,碧江企业,2023-04-01,已撤回,,,520602"]),
        actor=district,
    )
    assert TransferProject.objects.get().status == "withdrawn"
    # the bureau records the decision
    import_file(
        "transfer-projects",
        write(tmp_path, "b.csv", [PROJECTS, "茶叶深加工,铜仁学院,2023-04-09,已立项,2023-07-01,50,520602"]),
        actor=staff,
    )
    approved = TransferProject.objects.get(title="茶叶深加工")
    assert approved.status == "approved" and approved.funding == 50
