"""The roles of DESIGN.md ("Who uses it") and the two scope actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["BUREAU_ROLES", "CHANGE", "VIEW", "Role"]

VIEW = "view"
CHANGE = "change"


class Role(models.TextChoices):
    ADMIN = "admin", _("Bureau admin")
    STAFF = "staff", _("Bureau staff")
    DISTRICT = "district", _("District staff")
    ENTERPRISE = "enterprise", _("Enterprise user")
    EXPERT = "expert", _("Expert")
    LEADER = "leader", _("Leader")
    # 等保 separation of duties: reads the audit trail and nothing else (security.md item 27).
    AUDITOR = "auditor", _("Auditor")


# Roles that see every unit's rows.
BUREAU_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.LEADER})
