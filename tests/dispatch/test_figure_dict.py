"""Figure.as_dict is a shallow copy (dataclasses.asdict deep-copied every value and was a quarter
of the dashboard's figure computation): it must still give exactly what asdict gives, for every
field, and not share the warnings list with the figure."""

import dataclasses

from rules.dispatch import Figure


def test_as_dict_equals_dataclasses_asdict_for_every_field():
    fig = Figure(
        unit="520602",
        indicator="GDP",
        target=1390.5,
        actual=701.25,
        completion=0.5043,
        time_progress=0.5,
        yoy=-0.04,
        growth_drop=0.12,
        rank=9,
        forecast=1350.0,
        warnings=["NEGATIVE_GROWTH", "BOTTOM_RANK"],
    )
    out = fig.as_dict()
    assert out == dataclasses.asdict(fig)
    assert list(out) == [f.name for f in dataclasses.fields(Figure)]  # a new field must be added
    out["warnings"].append("AT_RISK")
    assert fig.warnings == ["NEGATIVE_GROWTH", "BOTTOM_RANK"]


def test_as_dict_keeps_missing_figures_as_none():
    fig = Figure("520603", "HT_OUTPUT", None, None, None, 0.25, None, None, None, None, [])
    assert fig.as_dict() == {
        "unit": "520603",
        "indicator": "HT_OUTPUT",
        "target": None,
        "actual": None,
        "completion": None,
        "time_progress": 0.25,
        "yoy": None,
        "growth_drop": None,
        "rank": None,
        "forecast": None,
        "warnings": [],
    }
