"""A closed-loop load generator: requests/s and latency of a mix of API reads and pages under
gunicorn, at several concurrencies, against the database bench/generate.py filled.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench \\
    .venv/bin/python bench/load.py [--concurrency 10 50 100] [--seconds 20] [--workers 3]

A benchmark, not a test: it prints a table and asserts nothing. It starts gunicorn (`--workers`
sync workers, DEBUG off, the bench's keys) on 127.0.0.1, signs in the recruiter, the HR admin and
one interviewer (a session each for the pages, an API token each for the API), then runs each
concurrency in turn: that many threads, each sending its next request as soon as the last one
answered. The client runs on the same machine as the server and takes some of its CPU.
"""

import argparse
import http.client
import itertools
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import bench_usernames, use_bench_environment  # bench/generate.py, next to this file

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    """One request of the mix: its path, the headers that sign it in and its kind (for the table)."""

    kind: str
    path: str
    headers: dict


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, elapsed_ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies_ms.append(elapsed_ms)
                self.by_kind.setdefault(kind, []).append(elapsed_ms)
            else:
                self.errors[error] = self.errors.get(error, 0) + 1


def _signed_in(interviewer: str) -> dict[str, dict]:
    """Headers for each user: a session cookie (pages) and an API token (API)."""
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue

    names = bench_usernames(1)
    headers = {}
    for role, username in [
        ("recruiter", names["recruiter"][0]),
        ("hr_admin", names["hr_admin"][0]),
        ("interviewer", interviewer),
    ]:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _token, secret = api_token_issue(user=user, actor=user, name="bench/load.py", days=1)
        headers[role] = {
            "session": {"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
            "token": {"Authorization": f"Token {secret}"},
        }
    return headers


def _mix(headers: dict[str, dict], pages: int) -> list[Request]:
    """The requests each thread picks from at random: token API reads as the recruiter and the
    interviewer (lists and one candidate's file), and the HR and workspace pages."""
    from candidates.models import Candidate

    ids = [str(pk) for pk in Candidate.objects.order_by("?").values_list("pk", flat=True)[:200]]
    recruiter, hr_admin, interviewer = headers["recruiter"], headers["hr_admin"], headers["interviewer"]
    mix = []
    for page in range(1, pages + 1):
        mix += [
            Request("api candidates (recruiter)", f"/api/candidates/?page={page}", recruiter["token"]),
            Request("api candidates (interviewer)", f"/api/candidates/?page={page}", interviewer["token"]),
            Request("page /hr/candidates/", f"/hr/candidates/?page={page}", recruiter["session"]),
            Request("page /workspace/", f"/workspace/?page={page}", interviewer["session"]),
        ]
    mix += [Request("api candidate (recruiter)", f"/api/candidates/{pk}/", recruiter["token"]) for pk in ids]
    mix += [Request("page /hr/", "/hr/", recruiter["session"])] * pages
    mix += [Request("api audit events (hr admin)", "/api/audit-events/", hr_admin["token"])] * pages
    return mix


def _start_server(port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--backlog",
        "2048",
        "--timeout",
        "120",
    ]
    # As production runs: DEBUG off, connections kept between requests, the audit chain linked at
    # most once a second per process (the test settings link it at every commit).
    env = {
        "CONN_MAX_AGE": "60",
        "HRSUITE_AUDIT_CHAIN_SECONDS": "1",
        **os.environ,
        "DJANGO_DEBUG": "false",
        "PYTHONPATH": str(ROOT),
    }
    # A fixed command with no shell.
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def _client(port: int, mix: list[Request], until: float, tally: Tally, seed: int) -> None:
    """One closed-loop client: a request, its answer read, the next request."""
    chooser = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    while time.monotonic() < until:
        request = chooser.choice(mix)
        started = time.perf_counter()
        error = None
        try:
            connection.request("GET", request.path, headers=request.headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                error = f"{response.status} {request.kind}"
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=60)
        tally.add(request.kind, (time.perf_counter() - started) * 1000, error)
    connection.close()


def _run(
    port: int, mix: list[Request], concurrency: int, *, seconds: float, warmup: float
) -> tuple[Tally, float]:
    """`concurrency` clients for `warmup` seconds, then for `seconds`: the tally and length of
    the second span."""
    counter = itertools.count()
    for span in (warmup, seconds):
        tally = Tally()
        until = time.monotonic() + span
        threads = [
            threading.Thread(target=_client, args=(port, mix, until, tally, next(counter)))
            for _ in range(concurrency)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    return tally, elapsed


def _percentile(samples: list[float], pct: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def _row(concurrency: int, tally: Tally, elapsed: float) -> str:
    done = tally.latencies_ms
    percentiles = " ".join(f"{_percentile(done, pct):>8.1f}" for pct in (50, 95, 99))
    errors = sum(tally.errors.values())
    row = f"{concurrency:>11} {len(done):>9,} {len(done) / elapsed:>8.1f} {percentiles} {errors}"
    detail = ", ".join(f"{n} x {what}" for what, n in sorted(tally.errors.items()))
    return f"{row} ({detail})" if detail else row


def _kind_rows(tally: Tally) -> list[str]:
    """p50 and p95 of each kind of request: at concurrency 1, each page's time as one user gets
    it over HTTP."""
    rows = []
    for kind, done in sorted(tally.by_kind.items()):
        percentiles = " ".join(f"{_percentile(done, pct):>8.1f}" for pct in (50, 95))
        rows.append(f"{'':>11} {len(done):>9,} {'':>8} {percentiles}   {kind}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per concurrency")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before them")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--pages", type=int, default=20, help="lists are read at pages 1..this")
    parser.add_argument("--interviewer", default=bench_usernames(1)["interviewer"][0])
    parser.add_argument("--by-kind", action="store_true", help="also p50/p95 of each kind of request")
    args = parser.parse_args(argv)

    use_bench_environment()
    # Every gunicorn worker must sign sessions with the key this process signed them in with.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    headers = _signed_in(args.interviewer)
    mix = _mix(headers, args.pages)
    server = _start_server(args.port, args.workers)
    try:
        print(
            f"gunicorn, {args.workers} sync workers; {len(mix)} requests in the mix; {args.seconds:g} s each"
        )
        heading = " ".join(f"{name:>8}" for name in ("req/s", "p50 ms", "p95 ms", "p99 ms"))
        print(f"{'concurrency':>11} {'requests':>9} {heading} errors")
        for concurrency in args.concurrency:
            tally, elapsed = _run(args.port, mix, concurrency, seconds=args.seconds, warmup=args.warmup)
            print(_row(concurrency, tally, elapsed), flush=True)
            if args.by_kind:
                print("\n".join(_kind_rows(tally)), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
