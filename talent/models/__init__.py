"""Talent registry models, split by sub-domain."""

from talent.models.commissioners import Assignment, AssignmentLevel, PlaceKind, ServiceLog
from talent.models.people import DeclaredConflict, Designation, DesignationCategory, Education, Person
from talent.models.projects import (
    AgreementStatus,
    PhdProject,
    PhdProjectStatus,
    SchoolEnterpriseAgreement,
)

__all__ = [
    "AgreementStatus",
    "Assignment",
    "AssignmentLevel",
    "DeclaredConflict",
    "Designation",
    "DesignationCategory",
    "Education",
    "Person",
    "PhdProject",
    "PhdProjectStatus",
    "PlaceKind",
    "SchoolEnterpriseAgreement",
    "ServiceLog",
]
