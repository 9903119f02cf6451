"""Per-app import messages are Msg strings: English as before in the CLI and CONTRACTS.md's
'row N, column C: …', the uploader's language on the web page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kechuang.core.imports import RowError
from kechuang.core.imports.engine import message_of


def _refusal(parse, value):
    with pytest.raises(ValueError) as caught:
        parse(value)
    return message_of(caught.value)


def test_a_contract_type_refusal_reads_in_english_and_in_chinese():
    from transfer.importers import contract_type

    message = _refusal(contract_type, "咨询服务")
    error = RowError(5, "合同类别", message)
    assert str(error).startswith("row 5, column 合同类别: '咨询服务' is not a contract type (use one of: ")
    with translation.override("zh-hans"):
        assert (
            error.localized().startswith("第 5 行，")
            and "'咨询服务' 不是合同类别（可选：" in error.localized()
        )


@pytest.mark.parametrize(
    ("module", "template", "params", "english", "chinese"),
    [
        (
            "platforms.importers",
            "the same platform and level as row {row}",
            {"row": 7},
            "the same platform and level as row 7",
            "与第 7 行的平台及级别相同",
        ),
        (
            "transfer.importers",
            "{number} is already registered (use --update to replace it)",
            {"number": "52060220230001"},
            "52060220230001 is already registered (use --update to replace it)",
            "52060220230001 已登记（如需替换请使用 --update）",
        ),
    ],
)
def test_cross_row_messages_translate(module, template, params, english, chinese):
    _assert_translates(module, template, params, english, chinese)


def _assert_translates(module, template, params, english, chinese):
    import importlib

    from kechuang.messages import Msg, localize

    module = importlib.import_module(module)
    # The template is the module's own (adjacent literals joined), not just a catalogue entry.
    source = re.sub(r'"\s*\n\s*"', "", Path(module.__file__).read_text(encoding="utf-8"))
    assert f'"{template}"' in source
    message = Msg(template, **params)
    assert message == english
    with translation.override("zh-hans"):
        assert localize(message) == chinese


@pytest.mark.parametrize(
    ("module", "template", "params", "english", "chinese"),
    [
        (
            "dispatch.importers",
            "the same unit, indicator and period as row {row}",
            {"row": 3},
            "the same unit, indicator and period as row 3",
            "与第 3 行的单位、指标和期间相同",
        ),
        (
            "dispatch.importers",
            "the same unit, indicator and year as row {row}",
            {"row": 12},
            "the same unit, indicator and year as row 12",
            "与第 12 行的单位、指标和年度相同",
        ),
        (
            "dispatch.importers",
            "{period} of {unit} {indicator} comes from an accepted monthly report ({value}); "
            "correct it by a revision of the report",
            {"period": "2024-03", "unit": "520602", "indicator": "A01", "value": "12.5"},
            "2024-03 of 520602 A01 comes from an accepted monthly report (12.5); "
            "correct it by a revision of the report",
            "520602 A01 的 2024-03 数据来自已审核通过的月报（12.5），请通过修订月报更正",
        ),
        (
            "dispatch.importers",
            "no actual of {indicator} for {unit} in {year}-12 to apply the growth to; "
            "import it first or give the target",
            {"indicator": "A01", "unit": "520602", "year": 2023},
            "no actual of A01 for 520602 in 2023-12 to apply the growth to; import it first or give the target",
            "520602 没有 2023-12 的 A01 实际值，无法按增速推算目标：请先导入该数据或直接填写目标值",
        ),
        (
            "dispatch.importers",
            "{code} is computed ({parts}); import its parts instead",
            {"code": "R01", "parts": "A01 / A02"},
            "R01 is computed (A01 / A02); import its parts instead",
            "R01 为计算指标（A01 / A02），请改为导入其构成指标",
        ),
        (
            "dispatch.importers",
            "targets are set by the bureau",
            {},
            "targets are set by the bureau",
            "目标由市科技局设定",
        ),
        (
            "talent.importers",
            "differs from row {row} for the same ID number",
            {"row": 2},
            "differs from row 2 for the same ID number",
            "与第 2 行（同一公民身份号码）的姓名不一致",
        ),
        (
            "talent.importers",
            "not in the selection year {year}",
            {"year": 2025},
            "not in the selection year 2025",
            "不在选派年度 2025 内",
        ),
        (
            "talent.importers",
            "{code} is not a registered enterprise you can reach",
            {"code": "91520600MA6DKXXX0Q"},
            "91520600MA6DKXXX0Q is not a registered enterprise you can reach",
            "91520600MA6DKXXX0Q 不是您权限范围内已登记的企业",
        ),
        (
            "talent.importers",
            "this person is kept by another unit; ask the bureau to change the record",
            {},
            "this person is kept by another unit; ask the bureau to change the record",
            "此人由其他单位管理，请联系市科技局修改该记录",
        ),
    ],
)
def test_dispatch_and_talent_messages_translate(module, template, params, english, chinese):
    _assert_translates(module, template, params, english, chinese)


@pytest.mark.parametrize(
    ("parse", "text", "english", "chinese"),
    [
        (
            "_period",
            "2024-13",
            "period 2024-13 is out of range (month 13)",
            "期间 2024-13 超出范围（月份为 13）",
        ),
        ("_period", "", "the period is empty", "期间为空"),
        ("_amount", "-5", "-5 is negative", "-5 为负数"),
        ("_amount", "1,2x", "'1,2x' is not a number", "'1,2x' 不是数字"),
        ("_year", "1999", "year 1999 is out of range (2000–2100)", "年份 1999 超出范围（2000–2100）"),
        (
            "_growth",
            "abc",
            "'abc' is not a growth (a fraction such as 0.2, or 20%)",
            "'abc' 不是增速（请填 0.2 这样的小数或 20%）",
        ),
        ("_growth", "-100%", "-100% would make the target zero or negative", "-100% 会使目标值为零或负数"),
    ],
)
def test_dispatch_cell_refusals_read_in_both_languages(parse, text, english, chinese):
    from dispatch import importers
    from kechuang.messages import localize

    value, message = getattr(importers, parse)(text)
    assert value is None and message == english
    with translation.override("zh-hans"):
        assert localize(message) == chinese


def _cumulative(parsed, held):
    from types import SimpleNamespace

    from dispatch.importers import _check_cumulative

    return _check_cumulative(parsed, held, SimpleNamespace(label=lambda column: "累计值"))


def _actual(row, month, value):
    from types import SimpleNamespace

    from dispatch.importers import _ActualRow
    from plan.models import IndicatorKind

    unit, indicator = SimpleNamespace(pk=1), SimpleNamespace(pk=2, kind=IndicatorKind.CUMULATIVE)
    return _ActualRow(row, unit, indicator, 2024, month, Decimal(value))


@pytest.mark.parametrize(
    ("parsed", "held", "english", "chinese"),
    [
        # Both months in the file: the earlier one is named by its row.
        (
            [(3, 2, "100"), (4, 3, "80")],
            {},
            "row 4, column 累计值: 80 is below 2024-02 (row 3: 100); a cumulative figure cannot fall",
            "第 4 行，“累计值”列：80 低于 2024-02（第 3 行：100）；累计值不能下降",
        ),
        # February held already, March in the file.
        (
            [(5, 3, "80")],
            {2: "100.0"},
            "row 5, column 累计值: 80 is below 2024-02 (the figure held: 100); a cumulative figure cannot fall",
            "第 5 行，“累计值”列：80 低于 2024-02（已有数据：100）；累计值不能下降",
        ),
        # February in the file, March held already and lower.
        (
            [(6, 2, "120")],
            {3: "110"},
            "row 6, column 累计值: 120 is above the figure held for 2024-03 (110); a cumulative figure cannot fall",
            "第 6 行，“累计值”列：120 高于 2024-03 的已有数据（110）；累计值不能下降",
        ),
    ],
)
def test_a_falling_cumulative_figure_reads_in_both_languages(parsed, held, english, chinese):
    from types import SimpleNamespace

    rows = [_actual(*row) for row in parsed]
    figures = {(1, 2, 2024, month): SimpleNamespace(value=Decimal(v)) for month, v in held.items()}
    (error,) = _cumulative(rows, figures)
    assert str(error) == english
    with translation.override("zh-hans"):
        assert error.localized() == chinese


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("123", "'123': an ID number has 18 characters", "'123'：公民身份号码应为 18 位"),
        # 520602199001010015 is valid (Σ dᵢ·wᵢ = 172, 172 mod 11 = 7, "10X98765432"[7] = 5).
        (
            "520602199001010014",
            "5206**********0014: the check character is wrong (GB 11643)",
            "5206**********0014：校验码错误（GB 11643）",
        ),
    ],
)
def test_an_id_number_refusal_reads_in_both_languages(text, english, chinese):
    from talent.importers import id_number

    error = RowError(4, "身份证号", _refusal(id_number, text))
    assert str(error) == f"row 4, column 身份证号: {english}"
    with translation.override("zh-hans"):
        assert error.localized() == f"第 4 行，“身份证号”列：{chinese}"
