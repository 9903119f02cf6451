"""The `unit` column: a GB/T 2260 code (CONTRACTS.md) or the unit's name."""

from __future__ import annotations

from kechuang.core.imports.parsers import batch_cells
from kechuang.messages import Msg, gettext_noop

__all__ = ["unit_parser"]


def unit_parser():
    from org.models import Unit

    units = {u.code: u for u in Unit.objects.all()}
    by_name = {u.name: u for u in units.values()}

    def parse(value: str):
        unit = units.get(value) or by_name.get(value)
        if unit is None:
            raise ValueError(
                Msg(gettext_noop("unknown unit {value} (use a code such as 520602)"), value=repr(value))
            )
        return unit

    def accept(cells: list) -> tuple[list, list[bool]]:
        texts = [c.strip() for c in cells]
        found = [(units.get(t) or by_name.get(t)) if t else None for t in texts]
        return found, [u is not None for u in found]

    parse.batch = lambda cells: batch_cells(cells, accept, (str,))  # unknown units are retried
    return parse
