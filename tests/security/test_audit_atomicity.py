"""Every state change writes exactly one audit event in the same transaction, and a refused or
failed step writes none (security.md item 7). A Hypothesis state machine drives the monthly
report's workflow with random steps by random actors — the right ones and the wrong ones — and
checks after each step; two tests force a failure inside the transaction, on either side of the
event."""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import count

import pytest
from auditlog.models import LogEntry
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from dispatch.models import MonthlyReport, ReportFigure, ReportStatus
from dispatch.workflow import reports as wf
from dispatch.workflow.common import WorkflowError
from kechuang.core.models import Event, EventAction
from tests.dispatch.test_reports import VALUES, full

REFUSED = (WorkflowError, PermissionError)  # ReportInputError is a WorkflowError
ACTORS = ["district", "staff", "leader", "expert", "admin"]
# The status a successful step leaves the report in.
AFTER = {
    "fill": None,  # unchanged
    "submit": ReportStatus.SUBMITTED,
    "return": ReportStatus.RETURNED,
    "accept": ReportStatus.ACCEPTED,
}


def state(report_pk: int) -> str:
    return json.dumps(
        [
            list(MonthlyReport.objects.filter(pk=report_pk).values()),
            list(ReportFigure.objects.filter(report_id=report_pk).order_by("pk").values()),
        ],
        default=str,
    )


def workflow_events(report_pk: int) -> int:
    return Event.objects.filter(
        action=EventAction.WORKFLOW, object_type="dispatch.MonthlyReport", object_id=str(report_pk)
    ).count()


@pytest.mark.django_db
def test_the_workflow_audits_each_change_once_and_refusals_never(users, units):
    months = count(1)

    class ReportWorkflow(RuleBasedStateMachine):
        @initialize()
        def start(self):
            month = next(months)
            year, month = 2000 + (month - 1) // 12, (month - 1) % 12 + 1
            self.report = wf.monthly_report_create(
                actor=users["staff"], unit=units["520602"], year=year, month=month
            )
            self.status = ReportStatus.DRAFT

        def _step(self, name: str, call) -> None:
            pk = self.report.pk
            events, entries, before = workflow_events(pk), LogEntry.objects.count(), state(pk)
            try:
                call()
            except REFUSED:
                # nothing at all: no event, no field log, no change
                assert workflow_events(pk) == events
                assert LogEntry.objects.count() == entries
                assert state(pk) == before
                return
            changed = state(pk) != before
            assert workflow_events(pk) == events + (1 if changed else 0), name
            if changed:
                assert LogEntry.objects.count() > entries  # the field changes are logged too
            if AFTER[name] is not None:
                self.status = AFTER[name]

        @rule(actor=st.sampled_from(ACTORS), value=st.sampled_from(["120.5", "121", "-1", "abc"]))
        def fill(self, actor, value):
            def call():
                values = dict(VALUES, HT_OUTPUT=value)
                try:
                    figures = full(values)
                except ArithmeticError:
                    raise WorkflowError("not a number") from None
                wf.monthly_report_fill(actor=users[actor], report=self.report, figures=figures)

            self._step("fill", call)

        @rule(actor=st.sampled_from(ACTORS))
        def submit(self, actor):
            self._step("submit", lambda: wf.monthly_report_submit(actor=users[actor], report=self.report))

        @rule(actor=st.sampled_from(ACTORS), reason=st.sampled_from(["数据有误", "  "]))
        def send_back(self, actor, reason):
            self._step(
                "return",
                lambda: wf.monthly_report_return(actor=users[actor], report=self.report, reason=reason),
            )

        @rule(actor=st.sampled_from(ACTORS))
        def accept(self, actor):
            self._step("accept", lambda: wf.monthly_report_accept(actor=users[actor], report=self.report))

        @invariant()
        def stored_status_is_the_modelled_one(self):
            if hasattr(self, "report"):
                assert MonthlyReport.objects.get(pk=self.report.pk).status == self.status

    run_state_machine_as_test(
        ReportWorkflow,
        settings=settings(
            max_examples=12,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


@pytest.fixture
def submitted(users, units):
    report = wf.monthly_report_create(actor=users["district"], unit=units["520602"], year=2023, month=6)
    wf.monthly_report_fill(actor=users["district"], report=report, figures=full())
    return wf.monthly_report_submit(actor=users["district"], report=report)


def test_a_failure_after_the_event_takes_the_step_back_with_it(users, submitted, monkeypatch):
    """The event is written, then the step fails: neither the event nor the change stays."""
    events, before = workflow_events(submitted.pk), state(submitted.pk)

    def boom(*args, **kwargs):
        raise RuntimeError("warnings failed")

    import dispatch.workflow.warnings as warnings_module

    monkeypatch.setattr(warnings_module, "warnings_refresh", boom)
    monkeypatch.setattr(wf, "month_is_complete", lambda *a: True)
    with pytest.raises(RuntimeError):
        wf.monthly_report_accept(actor=users["staff"], report=submitted)
    assert workflow_events(submitted.pk) == events
    assert state(submitted.pk) == before
    assert MonthlyReport.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


def test_a_failed_event_takes_the_change_back(users, submitted, monkeypatch):
    """The change is saved, then writing its event fails: the change does not stay unaudited."""
    events, entries, before = workflow_events(submitted.pk), LogEntry.objects.count(), state(submitted.pk)

    def boom(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(wf, "record_event", boom)
    with pytest.raises(RuntimeError):
        wf.monthly_report_return(actor=users["staff"], report=submitted, reason="数据有误")
    assert workflow_events(submitted.pk) == events
    assert LogEntry.objects.count() == entries
    assert state(submitted.pk) == before
    assert ReportFigure.objects.filter(report=submitted, value=Decimal("120.5")).exists()
