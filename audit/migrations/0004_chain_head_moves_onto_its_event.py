"""On PostgreSQL the chain head moves forward only onto the event it names: an event with that
seq and that hash must be in the trail. A page's lists are appended as several events under one
lock of the head, so the head may move more than one event at a time; it still cannot move back
(hiding events cut off the end) or point past the trail."""

from django.db import migrations

_FORWARD_ONTO_AN_EVENT = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq <= OLD.seq OR NOT EXISTS (
        SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.hash
    ) THEN
        RAISE EXCEPTION 'the audit chain head only moves forward, onto an event of the trail'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
_ONE_AT_A_TIME = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'the audit chain head only moves forward one event at a time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_head_only_moves_forward")]

    operations = [
        migrations.RunPython(_on_postgresql(_FORWARD_ONTO_AN_EVENT), _on_postgresql(_ONE_AT_A_TIME))
    ]
