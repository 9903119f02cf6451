"""Hash-chain the audit events and make them append-only in PostgreSQL (security.md item 8)."""

from django.db import migrations, models

FUNCTION = """
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
TRIGGER = """
CREATE TRIGGER core_event_append_only
    BEFORE UPDATE OR DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_event_append_only ON core_event;
DROP FUNCTION IF EXISTS core_event_append_only();
"""


def chain_existing(apps, schema_editor):
    from kechuang.core.models import GENESIS, event_digest

    Event = apps.get_model("core", "Event")
    prev = GENESIS
    for event in Event.objects.using(schema_editor.connection.alias).order_by("id").iterator():
        digest = event_digest(event, prev)
        Event.objects.using(schema_editor.connection.alias).filter(pk=event.pk).update(
            prev_hash=prev, hash=digest
        )
        prev = digest


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # the body has a literal % (RAISE format)
        schema_editor.execute(TRIGGER)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous hash"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(triggers_on, triggers_off),
    ]
