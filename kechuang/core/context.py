"""Template context shared by every page: the demo banner and the user's roles."""

from __future__ import annotations

from kechuang.core.models import SiteFlag
from kechuang.core.scope import scope_of


def site(request) -> dict:
    if not hasattr(request, "_kechuang_demo"):
        request._kechuang_demo = SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists()
    user = getattr(request, "user", None)
    scope = scope_of(user)
    from kechuang.core.nav import nav_for

    return {
        "demo_data": request._kechuang_demo,
        "user_scope": scope,
        "user_roles": scope.roles,
        "nav": nav_for(scope) if scope.authenticated else [],
    }
