from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem
from kechuang.core.roles import Role

_WORKERS = frozenset({Role.STAFF, Role.DISTRICT, Role.ENTERPRISE, Role.LEADER})


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")
    nav = [
        NavItem("projects_application_list", _("Applications"), 40, roles=_WORKERS),
        NavItem("projects_project_list", _("Projects"), 41, roles=_WORKERS),
        NavItem("projects_guide_list", _("Call guides"), 42, roles=frozenset({Role.STAFF, Role.LEADER})),
        NavItem("projects_challenge_list", _("Challenge lists"), 43, roles=_WORKERS),
        NavItem(
            "projects_external_list",
            _("Provincial applications"),
            44,
            roles=frozenset({Role.STAFF, Role.DISTRICT, Role.LEADER}),
        ),
        NavItem("projects_review_mine", _("My reviews"), 45, roles=frozenset({Role.EXPERT})),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kechuang.core.pii import audit_masks
        from projects import models

        for model in (
            models.CallGuide,
            models.GuideCategory,
            models.GuideSection,
            models.Application,
            models.Attachment,
            models.ReviewRound,
            models.Review,
            models.Project,
            models.TaskIndicator,
            models.Milestone,
            models.Tranche,
            models.Acceptance,
            models.ChallengeList,
            models.Bid,
            models.HorseRace,
            models.ExternalApplication,
        ):
            auditlog.register(model, **audit_masks(model))
