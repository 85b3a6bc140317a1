"""Counts the CPU instructions one request to a page costs, under valgrind's callgrind.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench \\
    .venv/bin/python bench/instructions.py [--as recruiter] [--requests 10] /hr/ /hr/candidates/ ...

A benchmark, not a test: it prints a table and asserts nothing. Wall-clock times on a shared
machine drift by a quarter from one minute to the next, more than most changes to a page; the
instructions this process executes do not (two runs of the same code agree to 0.1 %). They count
only Python's side of a request (the ORM, templates, the audit event), not PostgreSQL's work or
waiting, so they show what a change to that code saved, not a page's time. Each page runs twice
under callgrind, with few and with more requests after the same warm-up, and the difference
divided by the extra requests is one request's cost: start-up and warm-up cancel out. Needs
valgrind (Debian's package); the two runs of a page go in parallel, as counts do not depend on
what else the machine does. Every request writes its audit event, as in measure.py; the chainer
that links the events runs between pages, not in the counted requests (see `child`).
"""

import argparse
import gc
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import bench_usernames, use_bench_environment  # bench/generate.py, next to this file

WARMUP = 5
FEW = 2


def child(url: str, username: str, requests: int) -> None:
    """Runs under valgrind: warm-ups, then `requests` requests, all of which must answer 200.

    The audit chainer does not run here. In production it runs at most once a second in a
    process (HRSUITE_AUDIT_CHAIN_SECONDS) and links every event appended since, so a request's
    share of it is small. Here it would run after every request and link whatever the other run
    of the page, in parallel, or the last page's runs had left pending: that moved a page by up
    to 12 M from one run to the next. The parent links the events between pages instead."""
    use_bench_environment()
    os.environ["HRSUITE_AUDIT_CHAIN_SECONDS"] = str(365 * 24 * 3600)
    import django

    django.setup()
    import time

    from django.test import Client

    from accounts.models import User
    from audit import services

    # A process runs the chainer at its first commit whatever the interval (it has not run yet):
    # taken as having just run, so that the first warm-up does not link what the other run has
    # appended meanwhile, a number of events that differs from run to run.
    services._chained_after_commit_at[0] = time.monotonic()
    from backoffice.selectors import dashboard
    from backoffice.tasks import dashboard_counts_refresh

    # The dashboard is measured with its counts made, as its viewers see it: beat keeps them
    # fresh. Beat does not run here, and under valgrind a request takes a second or more, so the
    # counts made are taken as fresh for the whole run (else the row would go stale and ask for a
    # recount, and after two minutes the view would count for itself).
    dashboard.SUMMARY_SECONDS = 10**9
    client = Client()
    client.force_login(User.objects.get(username=username))
    for n in range(WARMUP + requests):
        if n == WARMUP:
            # What starting and the warm-ups made is frozen out of the collector's reach, as
            # config/wsgi.py freezes what a production worker's start made. Otherwise a full
            # collection of it, due every 40 or so requests, falls into one run's counted
            # requests and not the other's, and moves a page by millions.
            gc.collect()
            gc.freeze()
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status} to request {n + 1}")
        if n == 0:
            # Beat counts what the dashboard's first view of a scope of its own asked for within
            # seconds (the shared scope's counts the parent made before this run).
            dashboard_counts_refresh()


def _instructions(url: str, username: str, requests: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        str(requests),
        "--as-user",
        username,
        url,
    ]
    # A fixed command with no shell; the URL and user name are arguments of this script.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or counted is None:
        said = [line for line in done.stderr.splitlines() if line and not line.startswith("==")]
        raise SystemExit(f"{url}: {said[-1] if said else 'valgrind failed'}")
    return int(counted.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--as", dest="role", default="recruiter", choices=list(bench_usernames(1)))
    parser.add_argument("--requests", type=int, default=10, help="requests counted per page")
    parser.add_argument("--runs", type=int, default=2, help="runs of each count, the least taken")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--as-user", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.urls[0], args.as_user, args.child)
        return

    username = bench_usernames(1)[args.role][0]
    use_bench_environment()
    import django

    django.setup()
    from audit.services import audit_chain_pending
    from backoffice.tasks import dashboard_counts_refresh

    # Each count is the least of `runs` runs: a run's start-up differs from another's by up to
    # 60 M (the waits on PostgreSQL's answers are polled, so timing shows in the count), which
    # only ever adds.
    ns = [FEW] * args.runs + [FEW + args.requests] * args.runs
    print(f"{'page':50} {'as':12} {'instructions per request':>26}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        for url in args.urls:
            # Both runs of a page start from a chain with nothing pending, and with the
            # dashboard's shared counts made. Made in a run, they cost a request's worth of
            # instructions in whichever of the parallel runs came first, and the others found
            # them fresh: that moved a page by 5 M from one count to the next.
            audit_chain_pending(wait=True)
            dashboard_counts_refresh()
            counts = list(pool.map(lambda n, url=url: _instructions(url, username, n), ns))
            few, more = min(counts[: args.runs]), min(counts[args.runs :])
            print(f"{url:50} {args.role:12} {(more - few) / args.requests / 1e6:24.1f} M", flush=True)
    audit_chain_pending(wait=True)


if __name__ == "__main__":
    main()
