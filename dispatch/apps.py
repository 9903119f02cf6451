from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem

_WORKFLOW = frozenset({"staff", "district", "leader"})


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")
    nav = [
        NavItem("dispatch_dashboard", _("Dashboard"), 5, roles=_WORKFLOW),
        NavItem("report_list", _("Monthly reports"), 21, roles=_WORKFLOW),
        NavItem("warning_list", _("Warnings"), 22, roles=_WORKFLOW),
        NavItem("followup_list", _("Follow-up"), 23, roles=_WORKFLOW),
        NavItem("assessment_index", _("Assessment"), 24, roles=_WORKFLOW),
        NavItem("target_list", _("Targets"), 25, roles=frozenset({"staff", "leader"})),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from dispatch import models

        for model in (
            models.Actual,
            models.DispatchSettings,
            models.MonthlyReport,
            models.ReportFigure,
            models.ReportNote,
            models.ItemAssignment,
            models.ItemUpdate,
            models.FollowUpOrder,
            models.DispatchWarning,
            models.DispatchMeeting,
            models.Escalation,
            models.Assessment,
            models.AssessmentScore,
        ):
            auditlog.register(model)
