"""Outages under load: gunicorn on the production settings, reaching PostgreSQL and Redis through
proxies this script owns, while a few clients sign in, read the API and open pages; Redis is cut
for a while, then PostgreSQL. Prints the status codes of each phase and how long the site took
to serve again after each restore.

    .venv/bin/python bench/outage.py [--outage 20] [--steady 15] [--clients 4] [--workers 2]

Needs PostgreSQL and Redis on 127.0.0.1 (DATABASE_URL, default .../hrs_outage_bench, dropped and
made again; REDIS_URL, default redis://127.0.0.1:6379/3). The shared servers are never stopped:
only the proxies in front of them are cut. Each request comes from its own address in
198.18.0.0/15 (X-Forwarded-For, one trusted proxy), so the per-address sign-in limits, which the
load would otherwise reach in seconds, leave it alone.
"""

import argparse
import collections
import itertools
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hrs_outage_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

from bench.generate import prepare_database, use_bench_environment  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402

PASSWORD = "outage-bench-lantern-47"  # noqa: S105 - the bench user's, on a synthetic database
CREDENTIALS = {"username": "outage-recruiter", "password": PASSWORD}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What each kind of request answers when all is well.
GOOD = {"sign-in page": 200, "sign-in": 302, "token": 200, "api read": 200, "page /hr/": 200}


def seed() -> str:
    """Migrates the bench database and makes the recruiter the clients sign in as; returns an
    API token of theirs."""
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command

    from accounts.services import api_token_issue
    from hrsuite.roles import Role
    from tests.factories import make_application, make_user

    call_command("migrate", verbosity=0)
    recruiter = make_user(Role.RECRUITER, username="outage-recruiter")
    # Hashed as production hashes (the test settings' fast hasher is not one it accepts).
    recruiter.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    recruiter.save(update_fields=["password"])
    for _ in range(20):
        make_application(recruiter)
    _token, secret = api_token_issue(user=recruiter, actor=recruiter, name="outage bench")
    return secret


def server_environment(database_port: int, redis_port: int) -> dict:
    database, redis = urlsplit(os.environ["DATABASE_URL"]), urlsplit(os.environ["REDIS_URL"])
    redis_url = redis._replace(netloc=f"127.0.0.1:{redis_port}").geturl()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database._replace(netloc=f"{database.username}@127.0.0.1:{database_port}").geturl(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": redis_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "HRSUITE_PUBLIC_URL": "https://hrsuite.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "HRSUITE_TRUSTED_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }


class Load:
    """Closed-loop clients, each doing in turn: the sign-in page and a sign-in, a token, an API
    read and the dashboard. Every answer is counted under the phase it was sent in."""

    def __init__(self, base: str, token: str, clients: int):
        self.base, self.token, self.clients = base, token, clients
        self.phase = "warm-up"
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        # The first good and the last bad answer to a request sent and answered in each phase.
        self.first_good: dict[str, float] = {}
        self.last_bad: dict[str, float] = {}
        self.stop = threading.Event()
        self._addresses = iter(range(10**9))
        self._lock = threading.Lock()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        return threads

    def enter(self, phase: str) -> float:
        """Counts what is sent from now on under `phase`; returns when it began."""
        with self._lock:
            self.phase = phase
        return time.monotonic()

    def _client(self) -> None:
        session_cookie: dict = {}
        for turn in itertools.count():
            if self.stop.is_set():
                return
            # A password check costs production's hasher a good part of a second of CPU: every
            # fifth turn signs in (page and token), the others read.
            if turn % 5 == 0:
                session_cookie = self._sign_in() or session_cookie
                self._send("post", "token", "/api/auth/token/", json=CREDENTIALS)
            else:
                self._send("get", "sign-in page", "/account/sign-in/")
            authorization = {"Authorization": f"Token {self.token}"}
            self._send("get", "api read", "/api/candidates/", headers=authorization)
            if session_cookie:
                self._send("get", "page /hr/", "/hr/", cookies=session_cookie)

    def _sign_in(self) -> dict:
        """The sign-in page, then its form posted as a browser does; the session cookie, if any."""
        page = self._send("get", "sign-in page", "/account/sign-in/")
        if page is None or page.status_code != 200:
            return {}
        field = CSRF_FIELD.search(page.text)
        signed_in = self._send(
            "post",
            "sign-in",
            "/account/sign-in/",
            data={**CREDENTIALS, "csrfmiddlewaretoken": field.group(1) if field else ""},
            cookies={"csrftoken": page.cookies.get("csrftoken", "")},
        )
        if signed_in is None or "sessionid" not in signed_in.cookies:
            return {}
        return {"sessionid": signed_in.cookies["sessionid"]}

    def _send(self, method: str, kind: str, path: str, *, headers=None, **kwargs):
        """One request, counted under the phase it was sent in; one that a change of phase
        overtook is counted apart, under "sent in <phase>, answered after"."""
        import requests

        with self._lock:
            n = next(self._addresses) % 65536
            phase = self.phase
        address = f"198.18.{n // 256}.{n % 256}"
        try:
            answer = requests.request(
                method,
                self.base + path,
                headers={"X-Forwarded-For": address, **(headers or {})},
                allow_redirects=False,
                timeout=30,
                **kwargs,
            )
        except requests.RequestException as error:  # a refused or dropped connection is a figure too
            status: int | str = type(error).__name__
            answer = None
        else:
            status = answer.status_code
        with self._lock:
            if self.phase != phase:
                self.counts[f"sent in {phase}, answered after"][(kind, status)] += 1
                return answer
            self.counts[phase][(kind, status)] += 1
            good = status == GOOD[kind]
            moment = time.monotonic()
            if good:
                self.first_good.setdefault(phase, moment)
            else:
                self.last_bad[phase] = moment
        return answer


def report(load: Load, phases: list[tuple[str, float]], restored: dict[str, float]) -> None:
    print("\nstatus codes per phase (request kind: status x count)")
    names = [phase for phase, _seconds in phases]
    names += [name for name in load.counts if name not in names]
    for phase in names:
        by_kind = collections.defaultdict(list)
        for (kind, status), count in sorted(load.counts[phase].items(), key=lambda item: str(item[0])):
            by_kind[kind].append(f"{status} x{count}")
        total = sum(load.counts[phase].values())
        seconds = dict(phases).get(phase)
        print(f"\n{phase} ({f'{seconds:.0f} s, ' if seconds else ''}{total} requests)")
        for kind in GOOD:
            print(f"  {kind:14} {', '.join(by_kind.get(kind, ['-']))}")
    print("\nafter each restore (requests sent after it):")
    for phase, at in restored.items():
        good, bad = load.first_good.get(phase), load.last_bad.get(phase)
        first = "none" if good is None else f"{good - at:.2f} s"
        last = "none" if bad is None else f"{bad - at:.2f} s"
        print(f"  {phase}: first good answer {first}, last failed answer {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=20, help="seconds each server is cut")
    parser.add_argument("--steady", type=float, default=15, help="seconds before, between and after")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()

    use_bench_environment()
    prepare_database(os.environ["DATABASE_URL"], fresh=True)
    token = seed()
    database = urlsplit(os.environ["DATABASE_URL"])
    redis = urlsplit(os.environ["REDIS_URL"])
    pg_proxy = TcpProxy(database.hostname, database.port or 5432).start()
    redis_proxy = TcpProxy(redis.hostname, redis.port or 6379).start()
    environment = server_environment(pg_proxy.port, redis_proxy.port)
    # The production settings serve static files from a manifest that collectstatic writes.
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, cwd=ROOT, env=environment, check=True)  # noqa: S603
    log_path = ROOT / "var" / "outage-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            *("--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)),
            *("--logger-class", "hrsuite.logging.RedactingGunicornLogger"),
        ]
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)  # noqa: S603
        try:
            run(args, Load(f"http://127.0.0.1:{args.port}", token, args.clients), pg_proxy, redis_proxy)
        finally:
            server.terminate()
            server.wait(timeout=30)
            pg_proxy.cut()
            redis_proxy.cut()
    text = log_path.read_text()
    print(
        f"\nserver log: {text.count('unreachable')} outage warnings, {text.count('Traceback')} tracebacks, "
        f"{len(text.splitlines())} lines ({log_path.relative_to(ROOT)})"
    )


def run(args, load: Load, pg_proxy: TcpProxy, redis_proxy: TcpProxy) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{load.base}/account/sign-in/", timeout=30).status_code == 200:
                break
        except requests.RequestException:  # still starting
            time.sleep(0.2)
    threads = load.run()
    time.sleep(args.steady)  # warm-up: workers load their code and connections
    phases = [
        ("steady", args.steady, None),
        ("redis down", args.outage, redis_proxy.cut),
        ("redis back", args.steady, redis_proxy.restore),
        ("postgres down", args.outage, pg_proxy.cut),
        ("postgres back", args.steady, pg_proxy.restore),
    ]
    restored = {}
    for phase, seconds, change in phases:
        if change is not None:
            change()
        began = load.enter(phase)
        if phase.endswith("back"):
            restored[phase] = began
        print(f"{time.strftime('%H:%M:%S')} {phase}", flush=True)
        time.sleep(seconds)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=35)
    report(load, [(phase, seconds) for phase, seconds, _change in phases], restored)


if __name__ == "__main__":
    main()
