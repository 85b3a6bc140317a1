"""The candidates and applications keep their row counts (hrsuite.tallies): HR's whole lists of
them are paged without counting a million rows."""

from django.db import migrations

from hrsuite.migration_operations import TallyRows


class Migration(migrations.Migration):
    dependencies = [("candidates", "0006_candidate_grant_order"), ("hrsuite", "0001_initial")]

    operations = [TallyRows("Candidate"), TallyRows("Application")]
