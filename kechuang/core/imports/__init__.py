"""One import engine for every tabular list (CONTRACTS.md "Imports")."""

from kechuang.core.imports.engine import (
    Column,
    Importer,
    ImportFailed,
    ImportResult,
    RowError,
    get_importer,
    import_file,
    register,
    registered_kinds,
)

__all__ = [
    "Column",
    "ImportFailed",
    "ImportResult",
    "Importer",
    "RowError",
    "get_importer",
    "import_file",
    "register",
    "registered_kinds",
]
