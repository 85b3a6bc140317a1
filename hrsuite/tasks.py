"""Celery tasks of the shared layer: folding the kept row counts."""

from celery import shared_task

from hrsuite.tallies import tallies_compact


@shared_task
def row_tallies_compact() -> None:
    """Folds each tallied table's count changes into one row, so reading a count stays one index
    lookup of a few rows (docs/architecture.md, "Kept row counts")."""
    tallies_compact()
