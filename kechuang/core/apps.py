from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        from kechuang.core import signals  # noqa: F401  (login/logout audit receivers)
        from kechuang.core.drill import drill_check

        # A deployment check: `kechuang check --deploy` reports it; every other command (the CLI's
        # reports and imports) would otherwise print it on stderr in production.
        checks.register(drill_check, "kechuang", deploy=True)
