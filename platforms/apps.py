from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem
from kechuang.core.roles import Role


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = _("Platforms")
    nav = [
        NavItem(
            "platforms_platform_list",
            _("Platforms and cooperation"),
            70,
            roles=frozenset({Role.STAFF, Role.DISTRICT, Role.LEADER}),
        ),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from platforms import models

        for model in (
            models.Platform,
            models.PlatformEvaluation,
            models.CooperationAgreement,
            models.CooperationProject,
            models.Investment,
            models.ZoneChecklistItem,
        ):
            auditlog.register(model)
