"""The `kechuang` console script: Django's manage.py with clear messages for bad configuration."""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def _fail(message: str) -> None:
    sys.stderr.write(f"kechuang: {message}\n")
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    argv = list(sys.argv if argv is None else argv)
    from kechuang.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")

    from django.core.management import execute_from_command_line
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(argv)
    except OperationalError as exc:
        settings = connections[DEFAULT_DB_ALIAS].settings_dict
        where = settings.get("HOST") or settings.get("NAME")
        _fail(f"cannot use the database ({settings['ENGINE'].rsplit('.', 1)[-1]} at {where}): {exc}".strip())


if __name__ == "__main__":
    main()
