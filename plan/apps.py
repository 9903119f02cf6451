from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem


class PlanConfig(AppConfig):
    name = "plan"
    nav = [
        NavItem("plan_current", _("Work plan"), 10),
    ]
    verbose_name = _("Work plan")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from plan import models

        for model in (
            models.Plan,
            models.Indicator,
            models.Target,
            models.Task,
            models.TaskItem,
            models.ItemTarget,
            models.Deadline,
        ):
            auditlog.register(model)
