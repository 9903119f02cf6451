"""`kechuang import talents|commissioners`: all or nothing, every bad cell named by row and
column, ID numbers checked (old 5222xx codes accepted), a district kept to its own people."""

from __future__ import annotations

import pytest

from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import ImportRun
from talent.models import Assignment, Designation, Person
from tests.talent.conftest import BIJIANG_ID, WANSHAN_ID, make_id

TALENT_HEADER = "姓名,身份证号,所属单位,工作单位,职称,人才类别,认定日期,是否专家,专家领域"


def write(tmp_path, lines, name="t.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def errors(exc) -> list[str]:
    return [str(e) for e in exc.value.errors]


@pytest.mark.django_db
def test_talents_import_people_and_designations(plan, tmp_path):
    path = write(
        tmp_path,
        [
            TALENT_HEADER,
            f"张明,{BIJIANG_ID},520602,铜仁学院,教授,重点人才,2023-04-01,是,新材料;锰",
            f"张明,{BIJIANG_ID},520602,铜仁学院,教授,社会事业人才(其它类),2022-05-01,是,新材料;锰",
            f"李华,{WANSHAN_ID.lower()},万山区,,,引进创新型博士人才,2023-06-01,,",
            f"王芳,{make_id()},520621,,,,,否,",
        ],
    )
    result = import_file("talents", path)
    assert (result.rows, result.created, result.updated) == (4, 3, 0)
    zhang = Person.objects.get(id_number=BIJIANG_ID)
    assert zhang.is_expert and zhang.expert_tags == ["新材料", "锰"]
    assert sorted(zhang.designations.values_list("category", flat=True)) == ["key", "social"]
    assert Person.objects.get(name="李华").id_number == WANSHAN_ID  # lowercase x stored upper
    assert Designation.objects.count() == 3
    assert ImportRun.objects.get().created_count == 3


@pytest.mark.django_db
def test_bad_talent_rows_are_named_and_nothing_is_written(plan, tmp_path):
    path = write(
        tmp_path,
        [
            TALENT_HEADER,
            f"张明,{BIJIANG_ID},520602,,,重点人才,2023-04-01,,",
            "李华,340524198001010013,520603,,,,,,",  # bad check character
            "王五,52060219900101001,520699,,,人才,2023-13-01,也许,",  # length, unit, category, date, boolean
            f"张明,{BIJIANG_ID},520602,,,重点人才,2023-04-01,,",  # the same designation again
            f"张敏,{BIJIANG_ID},520602,,,,,,",  # same ID, another name
            f"赵六,{make_id(seq=7)},520602,,,重点人才,,是,",  # category without date; expert without fields
        ],
    )
    with pytest.raises(ImportFailed) as info:
        import_file("talents", path)
    assert errors(info) == [
        "row 3, column 身份证号: 3405**********0013: the check character is wrong (GB 11643)",
        "row 4, column 身份证号: 5206*********1001: an ID number has 18 characters",
        "row 4, column 所属单位: unknown unit '520699' (use a code such as 520602)",
        "row 4, column 人才类别: '人才' is not one of: "
        + ", ".join(
            sorted(
                {
                    "key",
                    "social",
                    "phd",
                    "team",
                    "重点人才",
                    "科技研发创新发展工程重点人才",
                    "社会事业人才",
                    "社会事业人才(其它类)",
                    "社会事业人才（其它类）",
                    "引进博士",
                    "引进创新型博士人才",
                    "博士",
                    "团队成员",
                    "创新团队成员",
                }
            )
        ),
        "row 4, column 认定日期: '2023-13-01' is not a date (use YYYY-MM-DD)",
        "row 4, column 是否专家: '也许' is not yes/no (use 1/0, true/false or 是/否)",
        "row 5, column 人才类别: the same designation as row 2",
        "row 6, column 姓名: differs from row 2 for the same ID number",
        "row 7, column 认定日期: give the date of the designation",
        "row 7, column 专家领域: an expert needs at least one field",
    ]
    assert not Person.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_district_cannot_import_into_another_unit_or_take_over_its_people(plan, tmp_path, users, people):
    path = write(
        tmp_path,
        [
            TALENT_HEADER,
            f"李华,{WANSHAN_ID},520602,,,,,,",  # kept by 万山区
            f"新人,{make_id(seq=9)},520603,,,,,,",  # a foreign unit
            f"张明,{BIJIANG_ID},520602,新单位,,,,,",  # own person: fine
        ],
    )
    with pytest.raises(ImportFailed) as info:
        import_file("talents", path, actor=users["district"])
    assert errors(info) == [
        "row 2, column 身份证号: this person is kept by another unit; ask the bureau to change the record",
        "row 3, column 所属单位: outside your data scope",
    ]
    people["wanshan"].refresh_from_db()
    assert people["wanshan"].unit.code == "520603"
    assert Person.objects.get(id_number=BIJIANG_ID).organisation == "铜仁学院"


@pytest.mark.django_db
def test_known_person_must_keep_the_registered_name(plan, tmp_path, people):
    path = write(tmp_path, [TALENT_HEADER, f"张敏,{BIJIANG_ID},520602,,,,,,"])
    with pytest.raises(ImportFailed) as info:
        import_file("talents", path)
    assert errors(info) == ["row 2, column 姓名: differs from the name registered for this ID number"]


COMMISSIONER_HEADER = (
    "姓名,身份证号,服务区县,选派年度,选派日期,服务对象类型,服务对象,服务开始日期,服务结束日期,级别"
)


@pytest.mark.django_db
def test_commissioners_import_counts_person_times(plan, tmp_path, people):
    new_id = make_id("522229", "19800202", 11)  # an old 松桃 code
    path = write(
        tmp_path,
        [
            COMMISSIONER_HEADER,
            f"李华,{WANSHAN_ID},520603,2023,2023-03-15,村,大坪乡龙门坳村,2023-04-01,2024-03-31,市级",
            f"李华,{WANSHAN_ID},520603,2023,2023-03-15,乡镇,黄道乡,2023-04-01,2024-03-31,市级",
            f"田勇,{new_id},520628,2023,2023-03-15,村,盘信镇某村,2023-04-01,2024-03-31,",
        ],
    )
    result = import_file("commissioners", path)
    assert result.created == 3
    assert Assignment.objects.filter(year=2023, level="city").count() == 3  # three person-times
    tian = Person.objects.get(id_number=new_id)
    assert tian.unit.code == "520628" and tian.home_district == "520628"


@pytest.mark.django_db
def test_bad_commissioner_rows(plan, tmp_path, people):
    path = write(
        tmp_path,
        [
            COMMISSIONER_HEADER,
            f"李华,{WANSHAN_ID},520603,2023,2022-12-15,村,甲村,2023-04-01,2023-03-31,市级",
            f"李华,{WANSHAN_ID},520603,2023,2023-03-15,小区,乙村,2023-04-01,2024-03-31,国家级",
            f"李明,{WANSHAN_ID},520603,2023,2023-03-15,村,丙村,2023-04-01,2024-03-31,",
        ],
    )
    with pytest.raises(ImportFailed) as info:
        import_file("commissioners", path)
    assert errors(info) == [
        "row 2, column 选派日期: not in the selection year 2023",
        "row 2, column 服务结束日期: before the start of the service",
        "row 3, column 服务对象类型: '小区' is not one of: enterprise, town, village, 乡镇, 企业, 村, 镇",
        "row 3, column 级别: '国家级' is not one of: city, county, provincial, 县级, 市级, 省级",
        "row 4, column 姓名: differs from row 2 for the same ID number",
        "row 4, column 姓名: differs from the name registered for this ID number",
    ]
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_the_same_assignment_twice_is_refused(plan, tmp_path, assignments, people):
    a = assignments["bijiang"]
    row = f"张明,{BIJIANG_ID},520602,2023,{a.selected_on},村,{a.place},2023-04-01,2024-03-31,市级"
    with pytest.raises(ImportFailed) as info:
        import_file("commissioners", write(tmp_path, [COMMISSIONER_HEADER, row]))
    assert errors(info) == ["row 2, column 服务对象: this assignment is already registered"]
