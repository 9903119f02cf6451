"""Technology contract pages: the list (filters, totals by unit against the target, Excel
export), the follow-up list of contracts signed but not yet registered, likely duplicates, one
contract, and the form for bureau and district staff."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.pagination import capped_count, keyset_page
from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import get_scoped_or_404, scope_of
from kechuang.core.templatetags.kc import num
from org.models import Unit
from plan.models import Target
from transfer.exports import xlsx_response
from transfer.forms import ContractForm
from transfer.models import ContractStatus, ContractSubKind, ContractType, TechContract
from transfer.selectors import (
    ContractFilter,
    can_edit,
    contract_totals,
    duplicate_group_count,
    followup_list,
    likely_duplicates,
    visible_units,
)
from transfer.selectors import (
    contract_list as select_contracts,
)
from transfer.services import Invalid, contract_save
from transfer.services import contract_delete as delete_contract

INDICATOR = "TECH_CONTRACT_VALUE"
TEN_THOUSAND = Decimal("0.0001")  # 万元 → 亿元
PAGE = 50
DUPLICATES_ON_LIST = 3000
SUMMARY_CAP = 20_000


def _yi(value) -> Decimal:
    return (Decimal(value or 0) * TEN_THOUSAND).quantize(TEN_THOUSAND)


def _ratio(actual, target) -> Decimal | None:
    return (Decimal(actual) / Decimal(target)).quantize(TEN_THOUSAND) if target else None


def _year_summary(user, year: int, *, whole: bool = False) -> dict:
    """Registered contract value by unit for the year (亿元), beside each unit's target; for the
    bureau also the city: the ten districts' sum against the city target.

    The sum reads every registration of the year (from the covering index on unit, status,
    registration date and value, without touching the table), so it grows with the year's
    registrations: past SUMMARY_CAP of them (the benchmark's million contracts hold 280,000 a
    year) it is computed only when asked for (`whole`), and the list stays fast."""
    registered = TechContract.objects.for_user(user).filter(
        status=ContractStatus.REGISTERED, registered__year=year
    )
    if not whole:
        n, exact = capped_count(registered, SUMMARY_CAP)
        if not exact:
            return {"year": year, "rows": [], "city": None, "over": n}
    rows = list(
        registered.values("unit__code", "unit__name", "unit__kind", "unit__order")
        .annotate(n=Count("*"), value=Sum("contract_value"))
        .order_by("unit__order")
    )
    targets = dict(
        Target.objects.for_user(user)
        .filter(indicator__code=INDICATOR, year=year, value__isnull=False)
        .values_list("unit__code", "value")
    )
    for row in rows:
        row["yi"] = _yi(row["value"])
        row["target"] = targets.get(row["unit__code"])
        row["completion"] = _ratio(row["yi"], row["target"])
    city = None
    if scope_of(user).sees_all(VIEW):
        districts = [r for r in rows if r["unit__kind"] == "district"]
        total = sum((r["yi"] for r in districts), Decimal(0))
        target = targets.get("520600")
        city = {
            "n": sum(r["n"] for r in districts),
            "yi": total,
            "target": target,
            "completion": _ratio(total, target),
        }
    return {"year": year, "rows": rows, "city": city, "over": None}


def _filters_context(request, filters: ContractFilter) -> dict:
    return {
        "filters": filters,
        "units": visible_units(request.user),
        "types": ContractType.choices,
        "statuses": ContractStatus.choices,
        "months": range(1, 13),
        "query": urlencode(filters.as_query()),
    }


# Keyset order of the list: registered contracts newest first, then the others (signed or
# refused: they have no registration date, validation.py), newest signing first. The parts are by
# status so that the first walks the (status, registered) index.
LIST_ORDER = ("-registered", "-signed", "-id")
LIST_PARTS = (Q(status=ContractStatus.REGISTERED), ~Q(status=ContractStatus.REGISTERED))
# The columns a list row shows (and the keyset reads): no seller join, no notes.
LIST_FIELDS = (
    "id",
    "status",
    "registration_no",
    "seller_name",
    "buyer_name",
    "type",
    "sub_kind",
    "contract_value",
    "tech_value",
    "signed",
    "registered",
    "unit_id",
)


def _list_rows(contracts, units) -> list[tuple]:
    """The table's cells, computed once per page: a template looking up ten attributes, two
    choice labels (get_FOO_display rebuilds the choice map on every call), two dates and a URL
    per row was most of the page's CPU time."""
    detail = reverse("contract_detail", kwargs={"pk": 999999999})
    no_number = _("(no number)")
    types, sub_kinds = dict(ContractType.choices), dict(ContractSubKind.choices)
    statuses = dict(ContractStatus.choices)
    # Unit names from the filter's units (already read), the rest by id: no join on the page's
    # query, whose plan SQLite drove from the unit table (a sort of 850,000 rows at 1M).
    names = {u.pk: u.name for u in units}
    missing = {c.unit_id for c in contracts} - names.keys()
    if missing:
        names.update(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
    rows = []
    for c in contracts:
        kind = str(types.get(c.type, c.type))
        if c.sub_kind:
            kind += " · " + str(sub_kinds.get(c.sub_kind, c.sub_kind))
        rows.append(
            (
                detail.replace("999999999", str(c.pk)),
                c.registration_no or no_number,
                c.seller_name,
                c.buyer_name,
                kind,
                num(c.contract_value),
                num(c.tech_value),
                c.signed.isoformat(),
                c.registered.isoformat() if c.registered else "—",
                names[c.unit_id],
                str(statuses.get(c.status, c.status)),
                c.status == ContractStatus.REGISTERED,
            )
        )
    return rows


@require_safe
@login_required
def contract_list(request):
    filters = ContractFilter.from_query(request.GET)
    qs = select_contracts(fetched_by=request.user, filters=filters)
    page = keyset_page(
        qs.select_related(None).only(*LIST_FIELDS),
        order=LIST_ORDER,
        parts=LIST_PARTS,
        size=PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    if filters.year:
        year = filters.year
    else:
        latest = (
            TechContract.objects.for_user(request.user)
            .filter(status=ContractStatus.REGISTERED)
            .order_by("-registered")
            .values_list("registered", flat=True)
            .first()
        )
        year = latest.year if latest else timezone.localdate().year
    everything = TechContract.objects.for_user(request.user)
    # Counts and sums over at most COUNT_CAP rows: past that the page says "more than" and asks
    # for narrower filters, so a page never aggregates the whole registry.
    count, exact = capped_count(qs)
    # Grouping for duplicates reads every row: counted on the list only for a small registry
    # (a year or two of a city's contracts); past that the list links to the duplicates page.
    # Unfiltered, the list's own count says both whether the registry is small and whether
    # there is any contract at all.
    if filters.as_query():
        in_scope, small = capped_count(everything, DUPLICATES_ON_LIST)
    else:
        in_scope, small = count, exact and count <= DUPLICATES_ON_LIST
    followups, _exact = capped_count(everything.filter(status=ContractStatus.SIGNED_UNREGISTERED))
    context = _filters_context(request, filters)
    context["units"] = list(context["units"])
    return render(
        request,
        "transfer/contract_list.html",
        {
            **context,
            "page": page,
            "rows": _list_rows(page.object_list, context["units"]),
            "count": count,
            "count_exact": exact,
            "totals": contract_totals(qs, limit=count) if exact else None,
            "summary": _year_summary(request.user, year, whole=request.GET.get("summary") == "all"),
            "has_any": in_scope > 0,
            "followups": followups,
            "duplicate_groups": duplicate_group_count(fetched_by=request.user) if small else None,
            "can_edit": can_edit(request.user),
        },
    )


@require_safe
@login_required
def contract_export(request):
    filters = ContractFilter.from_query(request.GET)
    qs = select_contracts(fetched_by=request.user, filters=filters).order_by("-registered", "-signed", "-id")
    header = [
        "登记编号",
        _("Status"),
        "卖方统一社会信用代码",
        "卖方名称",
        "买方名称",
        _("Contract title"),
        "合同类型",
        "合同子类",
        "合同成交额",
        "技术交易额",
        "签订日期",
        "登记日期",
        _("Valid until"),
        "所属单位",
        _("Unit name"),
        _("Reason not registered"),
        _("Follow-up owner"),
        _("Follow-up note"),
    ]

    def rows():
        for c in qs.iterator(chunk_size=1000):
            yield [
                c.registration_no or "",
                c.get_status_display(),
                c.seller_uscc,
                c.seller_name,
                c.buyer_name,
                c.title,
                c.type,
                c.sub_kind,
                c.contract_value,
                c.tech_value,
                c.signed,
                c.registered,
                c.valid_until,
                c.unit.code,
                c.unit.name,
                c.get_refusal_reason_display() if c.refusal_reason else "",
                c.follow_up_owner,
                c.follow_up_note,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        request,
        filename=f"contracts-{stamp}.xlsx",
        header=header,
        rows=rows(),
        kind="contracts",
        filters=filters.as_query(),
    )


@require_safe
@login_required
def contract_followup(request):
    today = timezone.localdate()
    items = list(followup_list(fetched_by=request.user)[:500])
    for c in items:
        c.days_left = (c.valid_until - today).days if c.valid_until else None
    return render(
        request,
        "transfer/contract_followup.html",
        {"items": items, "can_edit": can_edit(request.user), "today": today},
    )


@require_safe
@login_required
def contract_duplicates(request):
    return render(
        request,
        "transfer/contract_duplicates.html",
        {"groups": likely_duplicates(fetched_by=request.user), "can_edit": can_edit(request.user)},
    )


@require_safe
@login_required
def contract_detail(request, pk: int):
    contract = get_scoped_or_404(TechContract.objects.select_related("unit", "seller"), request.user, pk=pk)
    editable = (
        can_edit(request.user) and TechContract.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
    )
    return render(
        request,
        "transfer/contract_detail.html",
        {"contract": contract, "can_edit": editable, "today": timezone.localdate()},
    )


def _form_page(request, contract: TechContract | None):
    if not can_edit(request.user):
        raise PermissionDenied
    initial = {}
    if contract is None and request.GET.get("status") in ContractStatus.values:
        initial["status"] = request.GET["status"]
    form = ContractForm(request.POST or None, instance=contract, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = contract_save(
                actor=request.user, values=form.cleaned_data, contract=contract, request=request
            )
        except Invalid as exc:
            for problem in exc.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            messages.success(request, _("The contract is saved."))
            return redirect("contract_detail", pk=saved.pk)
    return render(
        request,
        "transfer/contract_form.html",
        {"form": form, "contract": contract},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contract_create(request):
    return _form_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contract_edit(request, pk: int):
    contract = get_scoped_or_404(TechContract.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    return _form_page(request, contract)


@require_POST
@login_required
def contract_delete(request, pk: int):
    contract = get_scoped_or_404(TechContract, request.user, CHANGE, pk=pk)
    delete_contract(actor=request.user, contract=contract)
    messages.success(request, _("The contract is deleted."))
    return redirect("contract_list")
