from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem
from kechuang.core.roles import Role


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public pages")
    nav = [
        NavItem("public_manage", _("Public pages"), 90, roles=frozenset({Role.STAFF})),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from public import models

        auditlog.register(models.Article)
        # The file's bytes stay out of the change log; name, size and hash are enough.
        auditlog.register(models.Attachment, exclude_fields=["content"])
