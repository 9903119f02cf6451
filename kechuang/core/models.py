"""Shared base model, the append-only event log and site flags."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.scope import ScopedQuerySet

__all__ = ["AuditAnchor", "BaseModel", "Event", "EventAction", "SiteFlag"]


class BaseModel(models.Model):
    """Every domain row: created / updated stamps and the scoped queryset as default manager.

    Subclasses declare `scope = ScopeSpec(...)` and are registered with django-auditlog, which
    writes a field-level before/after entry in the same transaction as the change.
    """

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        """Extra data auditlog stores with each entry: the owning unit, so the trail is searchable
        by unit."""
        unit = getattr(self, "audit_unit", None)
        return {"unit": unit.code} if unit is not None else {}

    @property
    def audit_unit(self):
        path = getattr(getattr(self, "scope", None), "unit", None)
        if not path or path == "pk":
            return self if path == "pk" else None
        obj = self
        for part in path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj


class EventAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    PLAN_LOADED = "plan_loaded", _("Plan loaded")
    TOKEN_CREATED = "token_created", _("API token created")
    DEMO_LOADED = "demo_loaded", _("Demo data loaded")
    WORKFLOW = "workflow", _("Workflow step")
    OTP_ENROLLED = "otp_enrolled", _("Second factor enrolled")
    OTP_RESET = "otp_reset", _("Second factor reset")
    OTP_FAILED = "otp_failed", _("Wrong second-factor code")
    ACCOUNT_EXPIRED = "account_expired", _("Account expired")
    AUDIT_PURGE = "audit_purge", _("Audit rows purged")
    BACKUP_DRILL = "backup_drill", _("Restore drill")
    ACCOUNT_OPENED = "account_opened", _("Account opened")
    ACCOUNT_CHANGED = "account_changed", _("Account changed")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


GENESIS = "0" * 64


def _canonical_ip(ip) -> str:
    if not ip:
        return ""
    try:
        addr = ipaddress.ip_address(str(ip))
    except ValueError:
        return str(ip)
    mapped = getattr(addr, "ipv4_mapped", None)
    return str(mapped or addr)


def event_digest(event: Event, prev_hash: str) -> str:
    """SHA-256 over the previous row's hash and this row's content. `actor` (the foreign key) is
    left out: deleting an account nulls it, and `actor_name` keeps who it was."""
    at = event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    body = [
        prev_hash,
        at,
        event.actor_name,
        event.action,
        event.unit_code,
        _canonical_ip(event.ip),
        event.request_id,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.message,
        event.data,
    ]
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _lock_chain(connection) -> None:
    """Serialise appends so every row chains to the one before it. SQLite already holds the
    write lock (IMMEDIATE transactions); PostgreSQL takes a transaction-level advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


CHAIN_LOCK_KEY = 5_270_630  # any constant: the audit chain's advisory lock


def _chain(events: list[Event], using: str) -> None:
    """Stamp the hashes of new events, in order, after the current head (inside a transaction
    that holds the chain lock)."""
    _lock_chain(connections[using])
    head = Event.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    prev = head or chain_anchor_hash(using)
    for event in events:
        if event.at is None:
            event.at = timezone.now()
        event.ip = _canonical_ip(event.ip) or None
        event.prev_hash = prev
        event.hash = event_digest(event, prev)
        prev = event.hash


class EventQuerySet(models.QuerySet):
    """Refuses every bulk change; bulk_create chains the new rows."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit events are append-only")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.pk is not None for obj in objs):
            raise AppendOnlyError("audit events are append-only")
        with transaction.atomic(using=self.db):
            _chain(objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class Event(models.Model):
    """One explicit audit event: a login, an import, an export or a workflow step.

    Field changes of registry rows are in auditlog's LogEntry; this table holds what is not a
    row change. Append-only: the ORM refuses updates and deletes (model and queryset), a
    PostgreSQL trigger refuses them in the database, and each row carries the SHA-256 of its
    content and of the previous row (`kechuang audit-verify` walks the chain).
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices, db_index=True)
    unit_code = models.CharField(_("unit"), max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # The histories of one record (a monthly report's, a project's, an engagement's) read
        # its events by type and id; without the index each read scans the whole log.
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_event_object")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        using = kwargs.get("using") or router.db_for_write(Event)
        with transaction.atomic(using=using):
            _chain([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


def chain_anchor_hash(using: str = "default") -> str:
    """The hash the oldest kept event links to: GENESIS, or the last purge's anchor."""
    anchor = AuditAnchor.objects.using(using).order_by("-last_id").values_list("hash", flat=True).first()
    return anchor or GENESIS


def verify_chain(using: str = "default"):
    """Walk the events in order; yield (event id, problem) for each row whose hash or link does
    not hold. An altered, inserted or removed row breaks the chain at that point. After a purge
    the chain starts at the newest anchor, which an AUDIT_PURGE event further on must name (an
    anchor slipped in by hand to hide removed rows is reported as "anchor")."""
    anchor = AuditAnchor.objects.using(using).order_by("-last_id").first()
    prev = anchor.hash if anchor else GENESIS
    for event in Event.objects.using(using).order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            yield event.pk, "link"
        elif event.hash != event_digest(event, prev):
            yield event.pk, "content"
        prev = event.hash
    if anchor is not None:
        named = Event.objects.using(using).filter(
            action=EventAction.AUDIT_PURGE, id__gt=anchor.last_id, data__anchor=anchor.hash
        )
        if not named.exists():
            yield anchor.last_id, "anchor"


class AuditAnchor(models.Model):
    """Where the audit chain starts after a purge (security.md item 8: kept >= 180 days, then
    purged deliberately). `hash` is the hash of the last purged event: the first remaining event
    links to it, so `kechuang audit-verify` still proves nothing after it was altered or removed.
    Each anchor is named by an AUDIT_PURGE event in the chain (verify_chain checks that)."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    before = models.DateTimeField(_("purged before"))
    last_id = models.BigIntegerField(_("last purged event"))
    hash = models.CharField(_("hash"), max_length=64)
    count = models.PositiveIntegerField(_("rows purged"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-last_id"]
        verbose_name = _("audit chain anchor")
        verbose_name_plural = _("audit chain anchors")

    def __str__(self) -> str:
        return f"{self.last_id} {self.hash[:16]}"


class SiteFlag(models.Model):
    """A named site-wide fact, e.g. that demo data is loaded (shown as 演示数据 on every page)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.CharField(max_length=255, blank=True)
    set_at = models.DateTimeField(auto_now=True)

    DEMO_DATA = "demo_data"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ImportStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Refused")
    DRY_RUN = "dry_run", _("Checked only")
    RUNNING = "running", _("Running")


class ImportRun(models.Model):
    """One import of a file: who, what, the file's SHA-256, the counts and the errors. A refused
    import leaves the data unchanged; this row records that it was tried."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    started = models.DateTimeField(_("started"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)

    class Meta:
        ordering = ["-started", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.status}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A long piece of work started from a page (an import, an evaluation, a document), with the
    progress the page shows while it runs. Only its owner (and the bureau admin) can see it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class PasswordRecord(models.Model):
    """One password a user had (its hash only), when it was set and whether the user chose it
    (security.md item 19: history, expiry, initial passwords)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    password = models.CharField(_("password hash"), max_length=128)
    changed_at = models.DateTimeField(_("set at"), default=timezone.now)
    chosen = models.BooleanField(_("chosen by the user"), default=False)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="core_pwrec_user_changed")]
        verbose_name = _("password record")
        verbose_name_plural = _("password records")

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"
