from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem


class OrgConfig(AppConfig):
    name = "org"
    nav = [
        NavItem("unit_list", _("Units"), 90),
    ]
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kechuang.core.pii import audit_masks
        from org.models import Grant, Section, Unit, User

        auditlog.register(Unit)
        auditlog.register(Section)
        auditlog.register(User, exclude_fields=["password", "last_login"], **audit_masks(User))
        auditlog.register(Grant)
