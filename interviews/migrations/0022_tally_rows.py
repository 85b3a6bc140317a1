"""The interviews keep their row count (hrsuite.tallies): HR's whole list of them is paged without
counting millions of rows."""

from django.db import migrations

from hrsuite.migration_operations import TallyRows


class Migration(migrations.Migration):
    dependencies = [("interviews", "0021_assignment_awaiting"), ("hrsuite", "0001_initial")]

    operations = [TallyRows("Interview")]
