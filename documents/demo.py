"""Demo documents: the monthly work bulletin of June 2023, published to every district and zone,
and the second-quarter dispatch report as the bureau's draft, so the list is not empty. Their
moments are fixed (early July 2023), so the demo is the same on every run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

ORDER = 90

__all__ = ["ORDER", "build"]


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    from documents.services import document_generate, document_publish
    from org.models import User

    staff = User.objects.filter(username="staff").first()
    tz = timezone.get_current_timezone()
    monthly = document_generate(
        actor=staff,
        kind="monthly",
        year=2023,
        month=6,
        as_of=dt.datetime(2023, 7, 5, 10, 0, tzinfo=tz),
        narrative={"next": "各区（县）、园区对照预警指标逐项分析原因，7月10日前报送整改措施。"},
    )
    if staff is not None:
        document_publish(actor=staff, document=monthly)
    document_generate(
        actor=staff,
        kind="quarterly",
        year=2023,
        month=6,
        as_of=dt.datetime(2023, 7, 10, 10, 0, tzinfo=tz),
    )
    return {"documents": 2}
