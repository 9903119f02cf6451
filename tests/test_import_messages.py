"""Per-app import messages are Msg strings: English as before in the CLI and CONTRACTS.md's
'row N, column C: …', the uploader's language on the web page."""

from __future__ import annotations

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
    import importlib

    from kechuang.messages import Msg, localize

    importlib.import_module(module)
    message = Msg(template, **params)
    assert message == english
    with translation.override("zh-hans"):
        assert localize(message) == chinese
