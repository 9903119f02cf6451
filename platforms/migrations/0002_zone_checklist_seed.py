"""The national high-tech-zone application checklist, from the 2023 plan (九)三是: run the
working group, carry out the 工作方案, bring in third parties, write 三规划一评价一报告 (the usual
meaning, national-rules.md §9: to be confirmed with the bureau), liaise with the province and the
ministry, and build the facilities (申创软件资料和硬件设施). Items start without a unit (the
bureau's own) and not started; owners and deadlines are the bureau's to adjust."""

import datetime as dt

from django.db import migrations

ITEMS = [
    ("working_group", "实质性运行国家高新区申创工作专班", "市科技局、碧江高新区管委会", dt.date(2023, 3, 31)),
    (
        "working_group",
        "全面落实《贵州碧江高新技术产业开发区申创国家高新技术产业开发区工作方案》",
        "碧江高新区管委会",
        dt.date(2023, 12, 31),
    ),
    ("liaison", "整合第三方资源，确定规划编制和评价服务机构", "碧江高新区管委会", dt.date(2023, 4, 30)),
    ("planning", "编制高新区发展规划（三规划之一）", "碧江高新区管委会", dt.date(2023, 9, 30)),
    ("planning", "编制高新区产业发展规划（三规划之二）", "碧江高新区管委会", dt.date(2023, 9, 30)),
    (
        "planning",
        "衔接国土空间规划，编制高新区空间（控制性详细）规划（三规划之三）",
        "碧江高新区管委会、市自然资源局",
        dt.date(2023, 10, 31),
    ),
    ("evaluation", "对照省级高新区升级国家高新区评价指标开展评价（一评价）", "碧江高新区管委会、第三方机构", dt.date(2023, 10, 31)),
    ("report", "编制升级国家高新区申请报告（一报告）", "碧江高新区管委会、市科技局", dt.date(2023, 11, 30)),
    ("liaison", "对接省科技厅和国家科技部，按程序报送申创材料", "市科技局", dt.date(2023, 12, 31)),
    (
        "facility",
        "完善创新创业载体等硬件设施（孵化器、众创空间、科技创新平台）",
        "碧江高新区管委会",
        dt.date(2023, 12, 31),
    ),
]


def seed(apps, schema_editor):
    Item = apps.get_model("platforms", "ZoneChecklistItem")
    for order, (category, title, owner, deadline) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(
            title=title, defaults={"order": order, "category": category, "owner": owner, "deadline": deadline}
        )


def unseed(apps, schema_editor):
    Item = apps.get_model("platforms", "ZoneChecklistItem")
    Item.objects.filter(title__in=[title for _c, title, _o, _d in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
