"""Plan indicators counted from the talent registries (CONTRACTS.md: TALENT_KEY, TALENT_SOCIAL,
PHD_INTRODUCED, PHD_PROJECTS, SCHOOL_ENTERPRISE, COMMISSIONERS)."""

from kechuang.core.indicators import Counter
from talent.models import (
    Assignment,
    AssignmentLevel,
    Designation,
    DesignationCategory,
    PhdProject,
    SchoolEnterpriseAgreement,
)


def _designated(category):
    return lambda: Designation.objects.filter(category=category)


COUNTERS = [
    # 培育科技研发创新发展工程重点人才: people designated, by the month of designation, in the
    # unit that keeps the person's record.
    Counter(
        "TALENT_KEY", _designated(DesignationCategory.KEY), date="designated_on", unit="person__unit__code"
    ),
    # 培育社会事业人才(其它类)
    Counter(
        "TALENT_SOCIAL",
        _designated(DesignationCategory.SOCIAL),
        date="designated_on",
        unit="person__unit__code",
    ),
    # 引进创新型博士人才: by the month of introduction.
    Counter(
        "PHD_INTRODUCED",
        _designated(DesignationCategory.PHD),
        date="designated_on",
        unit="person__unit__code",
    ),
    # 实施博士人才项目: projects approved (立项), by approval month.
    Counter("PHD_PROJECTS", lambda: PhdProject.objects.all(), date="approved_on", unit="unit__code"),
    # 达成校企合作: agreements signed, by signing month.
    Counter(
        "SCHOOL_ENTERPRISE",
        lambda: SchoolEnterpriseAgreement.objects.all(),
        date="signed_on",
        unit="unit__code",
    ),
    # 选派市级科技特派员 (人次): city-level assignments, by the month of selection; one person sent
    # to two places counts twice.
    Counter(
        "COMMISSIONERS",
        lambda: Assignment.objects.filter(level=AssignmentLevel.CITY),
        date="selected_on",
        unit="unit__code",
    ),
]
