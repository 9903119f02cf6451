from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    nav = [
        NavItem("enterprise_list", _("Enterprises"), 30),
        NavItem("pool_home", _("Cultivation pool"), 32, roles=frozenset({"staff", "district", "leader"})),
        NavItem("enterprise_edit_list", _("Proposed changes"), 31, roles=frozenset({"staff", "district"})),
        NavItem("visit_list", _("Enterprise visits"), 33, roles=frozenset({"staff", "district", "leader"})),
        NavItem("demand_list", _("Technology demands"), 34),
        NavItem(
            "rd_crosscheck",
            _("R&D statistics cross-check"),
            35,
            roles=frozenset({"staff", "district", "leader"}),
        ),
    ]
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from enterprises import models
        from kechuang.core.pii import audit_masks

        for model in (
            models.Enterprise,
            models.EnterpriseYear,
            models.HteCertificate,
            models.HteApplication,
            models.TsmeRegistration,
            models.Subsidy,
            models.RdDeduction,
            models.PoolMember,
            models.PoolSourceEntry,
            models.Visit,
            models.TechDemand,
            models.EnterpriseEdit,
            models.CrosscheckFollowUp,
        ):
            auditlog.register(model, **audit_masks(model))
