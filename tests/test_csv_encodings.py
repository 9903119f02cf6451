"""CSV encodings (issue 4 "Bad input", security.md item 13): UTF-8 with or without a BOM, GBK and
GB18030 read back exactly; Big5, UTF-16, random bytes and damaged text are refused by name with
the line or byte, and nothing with a replacement character is ever read."""

from __future__ import annotations

import os

import pytest

from kechuang.tabular import TableError, read_table

ALIASES = {"uscc": ["统一社会信用代码"], "name": ["企业名称"], "unit": ["所属单位"]}
HEADER = "统一社会信用代码,企业名称,所属单位\n"
ROWS = [
    ("91520100MA6DKXXX01", "贵州华新电子信息科技有限公司", "碧江区"),
    ("91520100MA6DKXXX02", "铜仁市万山区新材料研究所", "万山区"),
    ("91520100MA6DKXXX03", "德江县堃喆生物医药有限公司", "德江县"),  # 堃 and 喆 are outside GB2312
]
TEXT = HEADER + "".join(",".join(row) + "\n" for row in ROWS)
# The same list as a Taiwanese office would save it: traditional characters in Big5.
BIG5_TEXT = (
    "統一社會信用代碼,企業名稱,所屬單位\n"
    "91520100MA6DKXXX01,貴州華新電子資訊科技有限公司,碧江區\n"
    "91520100MA6DKXXX02,銅仁市萬山區新材料研究所,萬山區\n"
)


def _read(tmp_path, data: bytes, name="list.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_table(path, aliases=ALIASES, required=["uscc", "name"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_utf8_bom_gbk_and_gb18030_read_back_exactly(encoding, tmp_path):
    table = _read(tmp_path, TEXT.encode(encoding))
    assert [tuple(values[c] for c in ("uscc", "name", "unit")) for _, values in table.rows] == ROWS
    assert table.labels["uscc"] == "统一社会信用代码"  # no BOM left on the first header


def test_gb18030_four_byte_characters_read_back(tmp_path):
    text = HEADER + "91520100MA6DKXXX04,𠀀𠀁研究院,碧江区\n"
    table = _read(tmp_path, text.encode("gb18030"))
    assert table.rows[0][1]["name"] == "𠀀𠀁研究院"


def test_big5_is_refused_by_name_not_read_as_gb18030_mojibake(tmp_path):
    data = BIG5_TEXT.encode("big5")
    data.decode("gb18030")  # the trap: the bytes are valid GB18030 too
    with pytest.raises(TableError) as caught:
        _read(tmp_path, data, "台账.csv")
    message = str(caught.value)
    assert message.startswith("台账.csv: the file looks like Big5")
    # The first non-UTF-8 byte is the header's first character, on line 1 at byte 0.
    assert "from line 1 (byte 0)" in message and "save it as UTF-8" in message


def test_big5_after_an_ascii_line_is_located(tmp_path):
    data = b"uscc,name,unit\n" + "91520100MA6DKXXX01,貴州華新電子資訊科技有限公司,碧江區\n".encode("big5")
    with pytest.raises(TableError, match=r"looks like Big5 .*from line 2 \(byte 34\)"):
        _read(tmp_path, data)


def test_random_bytes_are_refused_with_line_and_byte(tmp_path):
    data = b"uscc,name\n91520100MA6DKXXX01,ok\n" + bytes([0x81, 0x20]) + os.urandom(64)
    with pytest.raises(TableError) as caught:
        _read(tmp_path, data)
    # 0x81 0x20 is neither UTF-8 nor GB18030 (a GB lead byte needs a trail byte 0x30 or above).
    assert str(caught.value) == (
        "list.csv: line 3 (byte 32): the text is neither UTF-8 nor GB18030; save it as UTF-8 CSV or .xlsx"
    )


def test_utf16_is_refused_by_name(tmp_path):
    with pytest.raises(TableError, match="the file is UTF-16 text, neither UTF-8 nor GB18030"):
        _read(tmp_path, TEXT.encode("utf-16"))


def test_a_replacement_character_is_refused_with_its_line(tmp_path):
    damaged = TEXT.replace("铜仁市", "铜\ufffd市")
    with pytest.raises(TableError, match="line 3 holds the replacement character U\\+FFFD"):
        _read(tmp_path, damaged.encode("utf-8"))


def test_a_gbk_list_with_many_rare_characters_is_still_read(tmp_path):
    """Real GBK text outside GB2312 (rare name characters) stays under the Big5 threshold."""
    text = HEADER + "".join(
        f"9152010000000000{i:02d},{name}科技有限公司,碧江区\n" for i, name in enumerate("堃喆昇犇淼")
    )
    table = _read(tmp_path, text.encode("gbk"))
    assert [values["name"][0] for _, values in table.rows] == list("堃喆昇犇淼")
