"""Events are written unchained and linked later by the chainer (docs/architecture.md, "Audit
trail"). On PostgreSQL the append-only trigger lets through exactly that one update: the chain
fields set, once, on an unchained event, nothing else changed; and an event cannot be inserted
already chained."""


from django.conf import settings
from django.db import migrations, models


_APPEND_ONLY_BUT_CHAINING = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
DECLARE
    unchained audit_auditevent;
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
        AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
    THEN
        unchained := NEW;
        unchained.seq := NULL;
        unchained.prev_hash := NULL;
        unchained.hash := NULL;
        IF unchained IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_event_arrives_unchained() RETURNS trigger AS $$
BEGIN
    IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit events are inserted unchained; only the chainer links them'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_arrives_unchained
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_arrives_unchained();
"""
_APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_event_arrives_unchained ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_arrives_unchained();
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': [models.OrderBy(models.F('seq'), descending=True, nulls_first=True), models.OrderBy(models.F('id'), descending=True)], 'verbose_name': 'audit event', 'verbose_name_plural': 'audit events'},
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_candida_45cdef_idx',
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_action_7d5c0f_idx',
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_actor_label',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seal',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor_label', '-seq', '-id'], name='audit_actor_label'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['candidate_id', '-seq', '-id'], name='audit_candidate'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', '-seq', '-id'], name='audit_action'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unchained'),
        ),
        migrations.RunPython(_on_postgresql(_APPEND_ONLY_BUT_CHAINING), _on_postgresql(_APPEND_ONLY)),
    ]
