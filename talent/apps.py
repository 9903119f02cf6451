from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem
from kechuang.core.roles import Role


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Talent")
    nav = [
        NavItem(
            "talent_person_list", _("Talent"), 60, roles=frozenset({Role.STAFF, Role.DISTRICT, Role.LEADER})
        ),
        NavItem(
            "talent_assignment_list",
            _("Commissioners"),
            61,
            roles=frozenset({Role.STAFF, Role.DISTRICT, Role.LEADER}),
        ),
        # A commissioner signs in with an expert account linked to their person record.
        NavItem("talent_my_service", _("My service"), 62, roles=frozenset({Role.EXPERT})),
    ]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kechuang.core.pii import audit_masks, reveal_rules
        from talent import models
        from talent.services import can_reveal

        # The ID and phone numbers are personal data: the change log keeps them masked
        # (security.md #28), as lists do.
        auditlog.register(models.Person, **audit_masks(models.Person))
        # The full numbers of a person: the bureau and the keeping district only.
        reveal_rules[models.Person._meta.label] = can_reveal
        for model in (
            models.Designation,
            models.DeclaredConflict,
            models.PhdProject,
            models.SchoolEnterpriseAgreement,
            models.Assignment,
            models.ServiceLog,
        ):
            auditlog.register(model)
