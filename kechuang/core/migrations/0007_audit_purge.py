"""Audit retention (security.md item 8): the chain anchor left by a purge, the new event kinds,
and the append-only trigger of 0005 taught one deliberate exception: a DELETE of a row older than
180 days inside a transaction that ran `SET LOCAL kechuang.audit_purge = 'on'` (only
`kechuang audit-purge` does). Everything else is still refused in SQL."""

import django.utils.timezone
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
BEGIN
    -- Deleting an account nulls the actor link; actor_name (in the hash) keeps who it was.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    -- The retention purge: asked for in this transaction only, and never a row under 180 days.
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('kechuang.audit_purge', true), '') = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# 0005's function, restored when this migration is reversed.
PREVIOUS = """
CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
BEGIN
    -- Deleting an account nulls the actor link; actor_name (in the hash) keeps who it was.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def purge_allowed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # the body has a literal % (RAISE format)


def purge_refused(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_password_record"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                ("before", models.DateTimeField(verbose_name="purged before")),
                ("last_id", models.BigIntegerField(verbose_name="last purged event")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                ("count", models.PositiveIntegerField(verbose_name="rows purged")),
                ("actor_name", models.CharField(blank=True, max_length=150, verbose_name="by")),
            ],
            options={
                "verbose_name": "audit chain anchor",
                "verbose_name_plural": "audit chain anchors",
                "ordering": ["-last_id"],
            },
        ),
        migrations.AlterField(
            model_name="event",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Login"),
                    ("logout", "Logout"),
                    ("login_failed", "Failed login"),
                    ("import", "Import"),
                    ("export", "Export"),
                    ("plan_loaded", "Plan loaded"),
                    ("token_created", "API token created"),
                    ("demo_loaded", "Demo data loaded"),
                    ("workflow", "Workflow step"),
                    ("otp_enrolled", "Second factor enrolled"),
                    ("otp_reset", "Second factor reset"),
                    ("otp_failed", "Wrong second-factor code"),
                    ("account_expired", "Account expired"),
                    ("audit_purge", "Audit rows purged"),
                    ("backup_drill", "Restore drill"),
                ],
                db_index=True,
                max_length=32,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(purge_allowed, purge_refused),
    ]
