"""Accepted monthly reports are immutable in SQL too, on PostgreSQL (security.md item 5): a trigger
refuses UPDATE and DELETE of an accepted report and any INSERT, UPDATE or DELETE of its figures
and notes, whatever path the statement comes from (raw SQL, QuerySet.update, a bulk tool).

The one change let through is the one deleting an account causes: its user links becoming NULL
(who accepted is also in the audit trail). SQLite has no trigger: the test framework's flush
deletes rows there (PostgreSQL's TRUNCATE fires no row trigger); the model and its queryset guard."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION dispatch_report_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'accepted'
       AND (to_jsonb(NEW) - ARRAY['created_by_id', 'submitted_by_id', 'returned_by_id', 'accepted_by_id'])
           = (to_jsonb(OLD) - ARRAY['created_by_id', 'submitted_by_id', 'returned_by_id', 'accepted_by_id'])
       AND (NEW.created_by_id IS NULL OR NEW.created_by_id = OLD.created_by_id)
       AND (NEW.submitted_by_id IS NULL OR NEW.submitted_by_id = OLD.submitted_by_id)
       AND (NEW.returned_by_id IS NULL OR NEW.returned_by_id = OLD.returned_by_id)
       AND (NEW.accepted_by_id IS NULL OR NEW.accepted_by_id = OLD.accepted_by_id) THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'accepted' THEN
        RAISE EXCEPTION 'an accepted report cannot change (% refused); start a correction', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dispatch_report_part_locked() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM dispatch_monthlyreport r
        WHERE r.status = 'accepted'
          AND r.id IN (
              CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.report_id END,
              CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.report_id END)
    ) THEN
        RAISE EXCEPTION 'an accepted report cannot change (% on % refused); start a correction',
            TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
CREATE TRIGGER dispatch_report_locked
    BEFORE UPDATE OR DELETE ON dispatch_monthlyreport
    FOR EACH ROW EXECUTE FUNCTION dispatch_report_locked();
CREATE TRIGGER dispatch_reportfigure_locked
    BEFORE INSERT OR UPDATE OR DELETE ON dispatch_reportfigure
    FOR EACH ROW EXECUTE FUNCTION dispatch_report_part_locked();
CREATE TRIGGER dispatch_reportnote_locked
    BEFORE INSERT OR UPDATE OR DELETE ON dispatch_reportnote
    FOR EACH ROW EXECUTE FUNCTION dispatch_report_part_locked();
"""

DROP = """
DROP TRIGGER IF EXISTS dispatch_reportnote_locked ON dispatch_reportnote;
DROP TRIGGER IF EXISTS dispatch_reportfigure_locked ON dispatch_reportfigure;
DROP TRIGGER IF EXISTS dispatch_report_locked ON dispatch_monthlyreport;
DROP FUNCTION IF EXISTS dispatch_report_part_locked();
DROP FUNCTION IF EXISTS dispatch_report_locked();
"""


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # the bodies hold a literal % (RAISE format)
        schema_editor.execute(TRIGGERS)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0003_workflow"),
    ]

    operations = [migrations.RunPython(triggers_on, triggers_off)]
