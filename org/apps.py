from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from org.models import Grant, Section, Unit, User

        auditlog.register(Unit)
        auditlog.register(Section)
        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Grant)
