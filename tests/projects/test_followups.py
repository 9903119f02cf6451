"""The schedule's late items become follow-up orders (督办单) of the dispatch module: one per
district and kind, never twice; the city's own late items stay with the bureau."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dispatch.models import FollowUpOrder
from projects.services.followups import followup_subject
from tests.projects.conftest import login, to_review


@pytest.mark.django_db
def test_late_items_become_follow_up_orders(users, guide, make_application):
    """Two applications of the 2023 call (碧江 and 万山) still in review: as of today both are
    late for the H1 review and the Q3 approval — four orders; the guide itself (the city's) closes
    after 30 June 2023 and stays with the bureau."""
    a = to_review(make_application("bijiang"), users)
    b = to_review(make_application("wanshan"), users)
    staff = login(users["staff"])
    page = staff.get("/projects/schedule/?year=2023").content.decode()
    assert "projects/schedule/followups/" in page
    r = staff.post("/projects/schedule/followups/", {"year": "2023"}, follow=True)
    assert r.status_code == 200
    orders = FollowUpOrder.objects.order_by("unit__code", "subject")
    assert [(o.unit.code, o.subject) for o in orders] == sorted(
        [
            ("520602", followup_subject(2023, "approval")),
            ("520602", followup_subject(2023, "review")),
            ("520603", followup_subject(2023, "approval")),
            ("520603", followup_subject(2023, "review")),
        ]
    )
    assert all(o.year == 2023 and o.due == timezone.localdate() + dt.timedelta(days=15) for o in orders)
    assert a.number in orders.get(unit__code="520602", subject=followup_subject(2023, "review")).body
    assert b.number in orders.get(unit__code="520603", subject=followup_subject(2023, "review")).body
    text = r.content.decode()
    assert "已发出督办单4份；此前已发出0份。" in text and "1项逾期事项属市本级" in text
    # again: nothing new
    staff.post("/projects/schedule/followups/", {"year": "2023"})
    assert FollowUpOrder.objects.count() == 4
    # only the bureau sends them
    for role in ("district", "enterprise", "expert", "leader"):
        assert login(users[role]).post("/projects/schedule/followups/", {"year": "2023"}).status_code == 404
    assert FollowUpOrder.objects.count() == 4
