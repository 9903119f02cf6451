from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem
from kechuang.core.roles import Role

# Enterprises read their own contracts; experts have nothing here.
_READERS = frozenset({Role.ADMIN, Role.STAFF, Role.LEADER, Role.DISTRICT, Role.ENTERPRISE})


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = _("Transfer of S&T achievements")
    nav = [
        NavItem("contract_list", _("Technology contracts"), 50, roles=_READERS),
        NavItem("achievement_home", _("Achievements and awards"), 52, roles=_READERS),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from transfer import models

        for model in (
            models.TechContract,
            models.TransferProject,
            models.AwardApplication,
            models.Top10Nomination,
        ):
            auditlog.register(model)
