from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from kechuang.core.api import ListPagination
from kechuang.core.scope import get_scoped_or_404, scope_of
from org.models import Unit

router = Router(tags=["org"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None = None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class GrantOut(Schema):
    role: str
    unit: str | None = None
    enterprise_id: int | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    grants: list[GrantOut]


@router.get("/units", response=list[UnitOut], url_name="unit_list")
@paginate(ListPagination)
def unit_list(request):
    return Unit.objects.for_user(request.user).select_related("parent")


@router.get("/units/{code}", response=UnitOut, url_name="unit_detail")
def unit_detail(request, code: str):
    return get_scoped_or_404(Unit.objects.select_related("parent"), request.user, code=code)


@router.get("/me", response=MeOut, url_name="me")
def me(request):
    user = request.user
    grants = [
        GrantOut(role=g.role, unit=g.unit.code if g.unit_id else None, enterprise_id=g.enterprise_id)
        for g in user.grants.select_related("unit")
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(scope_of(user).roles),
        grants=grants,
    )
