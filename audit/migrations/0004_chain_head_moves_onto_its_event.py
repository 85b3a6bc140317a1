"""On PostgreSQL the chain head moves forward only over events that are in the trail: every seq
from the old head to the new one is there, the first links to the old head's hash, and the last
has the new head's hash. A page's lists are appended as several events under one lock of the
head, so the head may move more than one event at a time; it still cannot move back (hiding
events cut off the end), skip a gap, or move onto an event planted past the trail."""

from django.db import migrations

_FORWARD_ONTO_AN_EVENT = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq <= OLD.seq
        OR NOT EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
        OR NOT EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = OLD.seq + 1 AND prev_hash = OLD.hash)
        OR (SELECT count(*) FROM audit_auditevent WHERE seq > OLD.seq AND seq <= NEW.seq)
            <> NEW.seq - OLD.seq
    THEN
        RAISE EXCEPTION 'the audit chain head only moves forward, over events of the trail'
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
