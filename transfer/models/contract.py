"""Technology contracts (技术合同认定登记, national-rules.md §4) and the follow-up list of contracts
known to be signed but not yet registered (plan (五)一是: 挖掘合同期内未登记的技术合同).

Money is in 万元. 合同成交额 (`contract_value`) feeds TECH_CONTRACT_VALUE; 技术交易额
(`tech_value`, the contract value less non-technical costs, §4.3) is kept beside it for tax and
transfer figures."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = [
    "SUB_KINDS",
    "ContractStatus",
    "ContractSubKind",
    "ContractType",
    "RefusalReason",
    "TechContract",
]


class ContractType(models.TextChoices):
    """The five types (national-rules.md §4.2; 技术许可 separate since the 民法典). The stored value
    is the name used in files (CONTRACTS.md "Imports": `type`)."""

    DEVELOPMENT = "技术开发", pgettext_lazy("contract type", "Technology development")
    TRANSFER = "技术转让", pgettext_lazy("contract type", "Technology transfer")
    LICENCE = "技术许可", pgettext_lazy("contract type", "Technology licence")
    CONSULTING = "技术咨询", pgettext_lazy("contract type", "Technology consulting")
    SERVICE = "技术服务", pgettext_lazy("contract type", "Technology service")


class ContractSubKind(models.TextChoices):
    """Sub-kinds of each type (national-rules.md §4.2); training and brokerage are 技术服务."""

    COMMISSIONED = "委托开发", _("Commissioned development")
    COOPERATIVE = "合作开发", _("Cooperative development")
    PATENT_TRANSFER = "专利权转让", _("Patent transfer")
    PATENT_APPLICATION_TRANSFER = "专利申请权转让", _("Patent application right transfer")
    KNOW_HOW_TRANSFER = "技术秘密转让", _("Technical secret transfer")
    OTHER_IP_TRANSFER = (
        "其他知识产权转让",
        _("Other IP transfer (layout design, plant variety, software, new biomedical variety)"),
    )
    PATENT_LICENCE = "专利实施许可", _("Patent licence")
    KNOW_HOW_LICENCE = "技术秘密使用许可", _("Technical secret licence")
    OTHER_IP_LICENCE = "其他知识产权许可", _("Other IP licence")
    FEASIBILITY = "可行性论证", _("Feasibility study")
    FORECAST = "技术预测", _("Technology forecast")
    INVESTIGATION = "专题技术调查", _("Special technical investigation")
    EVALUATION = "分析评价报告", _("Analysis and evaluation report")
    ASSESSMENT = "科技评估", _("S&T assessment")
    NOVELTY_SEARCH = "科技查新", _("S&T novelty search")
    GENERAL_SERVICE = "一般技术服务", _("Technical service")
    TRAINING = "技术培训", _("Technical training")
    BROKERAGE = "技术中介", _("Technical brokerage")


SUB_KINDS: dict[str, tuple[str, ...]] = {
    ContractType.DEVELOPMENT: (ContractSubKind.COMMISSIONED, ContractSubKind.COOPERATIVE),
    ContractType.TRANSFER: (
        ContractSubKind.PATENT_TRANSFER,
        ContractSubKind.PATENT_APPLICATION_TRANSFER,
        ContractSubKind.KNOW_HOW_TRANSFER,
        ContractSubKind.OTHER_IP_TRANSFER,
    ),
    ContractType.LICENCE: (
        ContractSubKind.PATENT_LICENCE,
        ContractSubKind.KNOW_HOW_LICENCE,
        ContractSubKind.OTHER_IP_LICENCE,
    ),
    ContractType.CONSULTING: (
        ContractSubKind.FEASIBILITY,
        ContractSubKind.FORECAST,
        ContractSubKind.INVESTIGATION,
        ContractSubKind.EVALUATION,
        ContractSubKind.ASSESSMENT,
        ContractSubKind.NOVELTY_SEARCH,
    ),
    ContractType.SERVICE: (
        ContractSubKind.GENERAL_SERVICE,
        ContractSubKind.TRAINING,
        ContractSubKind.BROKERAGE,
    ),
}


class ContractStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("contract status", "Registered")
    NOT_REGISTERED = "not_registered", pgettext_lazy("contract status", "Not registered (refused)")
    SIGNED_UNREGISTERED = (
        "signed_unregistered",
        pgettext_lazy("contract status", "Signed, not yet registered"),
    )


class RefusalReason(models.TextChoices):
    """Grounds for not registering a contract (火炬中心 list of 2021-01-13, national-rules.md §4.4)."""

    INVALID = "invalid", _("Invalid or not yet in effect")
    NOT_TECH = "not_tech", _("Not a technology contract")
    UNCLEAR_TERMS = "unclear_terms", _("Parties, subject, price or remuneration unclear")
    NO_APPROVAL = "no_approval", _("Required state approval not obtained")
    NAME_MISMATCH = "name_mismatch", _("Name does not match the rights and duties")
    MONOPOLY = "monopoly", _("Illegal technology monopoly or unreasonable restrictions")
    PROOFS_MISSING = "proofs_missing", _("Required proofs missing or non-compliant")
    SEALS = "seals", _("Seals incomplete or not matching the names")
    OTHER = "other", _("Other")


def money(label):
    return models.DecimalField(label, max_digits=16, decimal_places=4, validators=[MinValueValidator(0)])


class TechContract(Versioned, BaseModel):
    """One technology contract known to a unit: registered (认定登记, with its registration number
    and date, counted for TECH_CONTRACT_VALUE in the month of registration), refused (未予登记,
    with the ground), or signed and not yet registered (a follow-up item with an owner)."""

    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.REGISTERED
    )
    registration_no = models.CharField(
        pgettext_lazy("contract", "registration number"), max_length=40, unique=True, null=True, blank=True
    )
    seller = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tech_contracts",
        verbose_name=_("seller enterprise"),
    )
    seller_uscc = models.CharField(_("seller's unified social credit code"), max_length=18, blank=True)
    seller_name = models.CharField(_("seller"), max_length=200)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    title = models.CharField(_("contract title"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=8, choices=ContractType.choices)
    sub_kind = models.CharField(_("sub-kind"), max_length=12, choices=ContractSubKind.choices, blank=True)
    contract_value = money(_("contract value (10,000 yuan)"))
    tech_value = money(_("technical transaction value (10,000 yuan)"))
    signed = models.DateField(_("signing date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    registered = models.DateField(pgettext_lazy("contract", "registration date"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tech_contracts", verbose_name=_("unit")
    )
    refusal_reason = models.CharField(
        _("reason not registered"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    follow_up_owner = models.CharField(_("follow-up owner"), max_length=50, blank=True)
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    note = models.TextField(_("note"), blank=True)

    # A district keeps its own unit's contracts; a seller enterprise reads its own.
    scope = ScopeSpec(unit="unit", enterprise="seller")

    class Meta:
        ordering = ["-registered", "-signed", "-id"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        indexes = [
            models.Index(fields=["status", "registered"]),
            # The contract value last: the year summary by unit (list page, indicator) sums
            # a year of registrations from this index alone, without reading the table.
            models.Index(fields=["unit", "status", "registered", "contract_value"]),
            models.Index(fields=["seller_uscc"]),
        ]
        constraints = [
            # Database backstops for the rules services and imports check with clear messages.
            models.CheckConstraint(
                condition=Q(tech_value__lte=models.F("contract_value")), name="contract_tech_le_value"
            ),
            models.CheckConstraint(
                condition=~Q(status="registered")
                | (Q(registration_no__isnull=False) & Q(registered__isnull=False)),
                name="contract_registered_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=Q(registered__isnull=True) | Q(registered__gte=models.F("signed")),
                name="contract_registered_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_no or f"{self.seller_name} → {self.buyer_name} ({self.signed})"

    def validate_constraints(self, exclude=None):
        """The rules behind the constraints are checked, with clearer messages naming the field,
        by transfer/validation.py in every form, import and API call; the database keeps them."""
        return

    @property
    def is_registered(self) -> bool:
        return self.status == ContractStatus.REGISTERED
