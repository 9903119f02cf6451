from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from dispatch.models import Actual

        auditlog.register(Actual)
