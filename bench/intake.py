"""The careers page's intake under load: applications posted at a fixed rate through the real HTTP
stack (gunicorn, the page's form with its CSRF token, a PDF résumé each), with the errors and the
latency they met.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/intake.py [--rate 50] [--seconds 60] [--workers 3]

A benchmark, not a test: it prints its figures and asserts nothing. The load is open: the n-th
application is sent at n / rate seconds whatever happened to the others (a pool of threads sends
them), so a slow answer does not slow the load down, and each latency counts from when its
request was due. Every application has an e-mail address of its own and goes to one open position
(made if the database has none). All of them come from 127.0.0.1, so the server is started with
the per-address limit lifted (`HRSUITE_INTAKE_PER_ADDRESS`); everything else is as deployed,
DEBUG off. An answer other than the redirect to the confirmation page is an error.
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import use_bench_environment  # bench/generate.py, next to this file
from load import HOST, _start_server  # bench/load.py

BOUNDARY = "----hrsuite-bench-intake"


def _open_position():
    """An open position's id, made by a recruiter of the bench if the database has none."""
    import django

    django.setup()
    from django.contrib.auth.models import Group

    from accounts.models import User
    from candidates.models import Position
    from candidates.services.positions import position_create
    from hrsuite.roles import Role

    position = Position.objects.filter(status=Position.Status.OPEN).order_by("created_at").first()
    if position is not None:
        return position.pk
    recruiter = User.objects.filter(groups__name=Role.RECRUITER.value, is_active=True).first()
    if recruiter is None:
        recruiter = User.objects.create_user(username="bench-intake-recruiter")
        recruiter.groups.add(Group.objects.get(name=Role.RECRUITER.value))
    return position_create(
        title_en="Bench Intake Engineer",
        department="Bench",
        region="CN",
        time_zone="Asia/Shanghai",
        owner=recruiter,
        dimension_weights={"communication": 1},
        actor=recruiter,
    ).pk


def _form_token(port: int, path: str) -> tuple[str, str, str]:
    """The CSRF cookie, the form's token and the notice's version, from one GET of the page: every
    application of the run reuses them, as one visitor's browser would."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status}")
    cookie = next(
        value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    version = re.search(r'name="privacy_notice_version" value="([^"]+)"', page).group(1)
    return cookie, token, version


def _body(fields: dict[str, str], resume: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="resume"; filename="cv.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + resume
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50, help="applications a second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=64, help="client threads sending")
    parser.add_argument("--port", type=int, default=8812)
    args = parser.parse_args(argv)

    use_bench_environment()
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["HRSUITE_INTAKE_PER_ADDRESS"] = str(10**9)
    position = _open_position()
    from demo.resume_files import pdf_with_text

    resume = pdf_with_text(["Bench Applicant", "Data engineer, 5 years", "Skills: SQL, Python"])
    path = f"/careers/{position}/"
    server = _start_server(args.port, args.workers)
    run = secrets.token_hex(4)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    local = threading.local()
    try:
        cookie, token, version = _form_token(args.port, path)

        def send(n: int, due: float) -> None:
            fields = {
                "csrfmiddlewaretoken": token,
                "full_name": f"Bench Applicant {n}",
                "email": f"bench-intake-{run}-{n}@example.test",
                "phone": "",
                "source": "job_board",
                "source_detail": "",
                "privacy_acknowledged": "on",
                "privacy_notice_version": version,
                "website": "",
            }
            body = _body(fields, resume)
            headers = {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Cookie": cookie,
                "Referer": f"http://{HOST}:{args.port}{path}",
            }
            error = None
            try:
                if getattr(local, "connection", None) is None:
                    local.connection = http.client.HTTPConnection(HOST, args.port, timeout=60)
                local.connection.request("POST", path, body=body, headers=headers)
                response = local.connection.getresponse()
                response.read()
                if response.status != 302:
                    error = f"HTTP {response.status}"
            except OSError as failure:
                local.connection = None
                error = type(failure).__name__
            elapsed = (time.monotonic() - due) * 1000
            with lock:
                if error is None:
                    latencies.append(elapsed)
                else:
                    errors[error] = errors.get(error, 0) + 1

        total = int(args.rate * args.seconds)
        print(f"gunicorn, {args.workers} sync workers; {total} applications at {args.rate:g}/s to {path}")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            for n in range(total):
                due = started + n / args.rate
                time.sleep(max(0.0, due - time.monotonic()))
                pool.submit(send, n, due)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(latencies)

    def pct(p: int) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else float("nan")

    print(f"answered 302: {len(ordered)}   errors: {sum(errors.values())} {errors or ''}")
    print(f"done in {elapsed:.1f} s ({(len(ordered) + sum(errors.values())) / elapsed:.1f}/s)")
    if ordered:
        print(
            f"latency ms from due time: p50 {pct(50):.0f}  p95 {pct(95):.0f}  p99 {pct(99):.0f}  "
            f"max {ordered[-1]:.0f}  mean {statistics.fmean(ordered):.0f}"
        )


if __name__ == "__main__":
    main()
