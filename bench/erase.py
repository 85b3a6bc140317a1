"""Erasing one person at a time, timed, against the database bench/generate.py filled.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench \\
    .venv/bin/python bench/erase.py [--people 30]

A benchmark, not a test: it prints figures and asserts nothing. For each of `--people` candidates
picked at random among those no legal hold keeps (never the bench's portal candidate, whom
measure.py reads), a recruiter records their erasure request and carries it out, as the HR page
does: the request recorded, the person erased in one transaction (their applications withdrawn,
interviews cancelled, messages stopped, name index and account gone, the steps outside left), and
their key destroyed in the key store as it commits. Each erasure's wall time, from the request to
the key destroyed, is one sample; the steps outside (the provider's and the targets' deletion
calls) run later, from beat, and are not timed here. The people erased stay erased: the bench
database loses that many files of its 100,000.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/generate.py, next to this file
from generate import bench_usernames, use_bench_environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    use_bench_environment()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from candidates.models import Candidate
    from hrsuite import persons
    from onboarding.selectors import erasure_holds
    from privacy.models import ErasureHandOff
    from privacy.services import erasure
    from privacy.services.requests import privacy_request_record

    recruiter = User.objects.get(username=bench_usernames(0)["recruiter"][0])
    total = Candidate.objects.count()
    ids = list(
        Candidate.objects.filter(erased_at__isnull=True, user__isnull=True).values_list("pk", flat=True)
    )
    random.Random(args.seed).shuffle(ids)
    print(f"erasing {args.people} of {total:,} candidates, one at a time, on {connection.vendor}")
    samples, queries, steps, destroyed = [], [], [], 0
    for pk in ids:
        if len(samples) == args.people:
            break
        if erasure_holds(candidate_id=pk):
            continue
        persons.forget()
        candidate = Candidate.objects.get(pk=pk)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            request = privacy_request_record(
                candidate=candidate, kind="erasure", channel="email", actor=recruiter
            )
            erasure.erasure_carry_out(request=request, actor=recruiter)
        samples.append(time.perf_counter() - started)
        queries.append(len(captured))
        steps.append(ErasureHandOff.objects.filter(request=request).count())
        destroyed += ErasureHandOff.objects.filter(request=request, kind="key", status="done").count()

    samples_ms = sorted(s * 1000 for s in samples)
    p95 = samples_ms[max(0, round(0.95 * len(samples_ms)) - 1)]
    print(f"  erasures: {len(samples_ms)}, keys destroyed at commit: {destroyed}")
    print(f"  steps outside per erasure (key, meetings, targets, confirmation): {min(steps)}-{max(steps)}")
    print(f"  wall time ms: p50 {statistics.median(samples_ms):.1f}, p95 {p95:.1f}, max {samples_ms[-1]:.1f}")
    print(f"  queries (main database) per erasure: {min(queries)}-{max(queries)}")


if __name__ == "__main__":
    main()
