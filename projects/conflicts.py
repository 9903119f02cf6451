"""Conflicts of interest between experts and applications — pure Python, no Django.

An expert may not review an application when (reason codes):
- SAME_ORG: the expert works for the applicant;
- CO_APPLIED: the expert works for a co-applicant (partner) of the application;
- SAME_GROUP: the expert's organisation and the applicant (or a partner) belong to the same
  enterprise group — groups are known from the applications themselves (applicant → group) and
  from the group names;
- OWN: the expert is the project leader or on the team (name, and organisation where given);
- DECLARED: the expert declared a conflict with the applicant or a partner (by name or by unified
  social credit code), in the talent registry.
A conflict declared on one application when withdrawing a review is kept on that review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "REASONS",
    "ApplicationParty",
    "ExpertParty",
    "conflict_pairs",
    "group_index",
    "normalise_org",
    "reasons_for",
]

REASONS = ("SAME_ORG", "CO_APPLIED", "SAME_GROUP", "OWN", "DECLARED")

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "　": " "})


def normalise_org(name: str | None) -> str:
    """Organisation names compare without spaces, with half-width brackets, case-insensitively."""
    return _SPACE.sub("", (name or "").translate(_BRACKETS)).casefold()


@dataclass(frozen=True)
class ExpertParty:
    id: str
    name: str
    organisation: str
    declared_orgs: frozenset[str] = frozenset()
    declared_usccs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApplicationParty:
    id: str
    applicant: str
    uscc: str = ""
    group: str = ""
    partners: tuple[str, ...] = ()
    people: tuple[tuple[str, str], ...] = ()  # (name, organisation or "")
    partner_usccs: tuple[str, ...] = field(default=())


def group_index(applications: Iterable[ApplicationParty]) -> dict[str, str]:
    """Normalised organisation → normalised group, from every application that names a group."""
    out: dict[str, str] = {}
    for a in applications:
        g = normalise_org(a.group)
        if g:
            out[normalise_org(a.applicant)] = g
            out[g] = g
    return out


def reasons_for(
    expert: ExpertParty, app: ApplicationParty, groups: dict[str, str] | None = None
) -> list[str]:
    """The reason codes (in REASONS order) why `expert` must not review `app`; empty if none."""
    groups = groups or {}
    org = normalise_org(expert.organisation)
    applicant = normalise_org(app.applicant)
    partners = {normalise_org(p) for p in app.partners if normalise_org(p)}
    found = []
    if org and org == applicant:
        found.append("SAME_ORG")
    if org and org in partners:
        found.append("CO_APPLIED")
    if org and "SAME_ORG" not in found:
        mine = groups.get(org)
        theirs = {groups.get(o) for o in (applicant, *partners)} | {normalise_org(app.group)}
        if mine and mine in theirs:
            found.append("SAME_GROUP")
    name = _SPACE.sub("", expert.name or "")
    for person, person_org in app.people:
        same_person = bool(name) and _SPACE.sub("", person or "") == name
        if same_person and (not person_org or not org or normalise_org(person_org) == org):
            found.append("OWN")
            break
    declared = {normalise_org(o) for o in expert.declared_orgs}
    usccs = {u.upper() for u in expert.declared_usccs if u}
    if declared & ({applicant} | partners) or (
        usccs & {u.upper() for u in (app.uscc, *app.partner_usccs) if u}
    ):
        found.append("DECLARED")
    return found


def conflict_pairs(
    experts: Iterable[ExpertParty],
    applications: Iterable[ApplicationParty],
    groups: dict[str, str] | None = None,
) -> dict[tuple[str, str], list[str]]:
    """{(expert id, application id): reasons} for every conflicting pair. Candidates are found by
    index (organisation, group, name, declared names and codes), so the cost grows with the
    conflicts, not with experts × applications."""
    apps = list(applications)
    experts = list(experts)
    if groups is None:
        groups = group_index(apps)
    by_org: dict[str, list[ExpertParty]] = {}
    by_group: dict[str, list[ExpertParty]] = {}
    by_name: dict[str, list[ExpertParty]] = {}
    by_declared: dict[str, list[ExpertParty]] = {}
    for e in experts:
        org = normalise_org(e.organisation)
        if org:
            by_org.setdefault(org, []).append(e)
            if groups.get(org):
                by_group.setdefault(groups[org], []).append(e)
        name = _SPACE.sub("", e.name or "")
        if name:
            by_name.setdefault(name, []).append(e)
        for o in e.declared_orgs:
            by_declared.setdefault(normalise_org(o), []).append(e)
        for u in e.declared_usccs:
            if u:
                by_declared.setdefault(u.upper(), []).append(e)
    out = {}
    for a in apps:
        orgs = {normalise_org(o) for o in (a.applicant, *a.partners) if normalise_org(o)}
        keys = orgs | {u.upper() for u in (a.uscc, *a.partner_usccs) if u}
        app_groups = {groups.get(o) for o in orgs} | {normalise_org(a.group)}
        candidates: dict[str, ExpertParty] = {}
        for o in orgs:
            candidates.update((e.id, e) for e in by_org.get(o, ()))
        for g in app_groups:
            if g:
                candidates.update((e.id, e) for e in by_group.get(g, ()))
        for person, _org in a.people:
            candidates.update((e.id, e) for e in by_name.get(_SPACE.sub("", person or ""), ()))
        for k in keys:
            candidates.update((e.id, e) for e in by_declared.get(k, ()))
        for e in candidates.values():
            reasons = reasons_for(e, a, groups)
            if reasons:
                out[(e.id, a.id)] = reasons
    return out
