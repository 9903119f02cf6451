from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
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
