"""The key migration on a copy of a bench database: killed half-way, resumed, and checked.

    DJANGO_SETTINGS_MODULE=config.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrsuite_bench_adopt \\
    .venv/bin/python bench/adopt.py [--kill-after 20]

A benchmark, not a test: it prints figures. DATABASE_URL names a bench database filled with
`generate.py --no-adopt`, so its personal data is still sealed under the keyring, as a database
from before person keys. The script copies it (and its key store) to `<name>_copy`, leaving the
original as it was for another run, and on the copy:

1. runs `manage.py adopt_person_keys` in a process of its own and kills it (SIGKILL, as a crash
   or an out-of-memory kill would) after `--kill-after` seconds;
2. runs it again to the end, timed: it picks up what the first left;
3. counts the personal values still under the keyring (none should be) and the persons' keys,
   and verifies the audit chain.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/generate.py, next to this file
from generate import use_bench_environment

ROOT = Path(__file__).resolve().parent.parent
_SEALED = re.compile(r"(\d+) values sealed under their person's key\.")


def _copy(url: str) -> str:
    """The URL of a fresh copy of the database `url` names, its key store copied beside it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to copy {name!r}: only a database named like '*bench*'.")
    copy = f"{name}_copy"
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        for source, target in ((name, copy), (f"{name}_keys", f"{copy}_keys")):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(source)
                )
            )
    return urlunsplit(parts._replace(path=f"/{copy}"))


def _adopt(env: dict, *, kill_after: float | None) -> tuple[float, int | None, bool]:
    """One run of the command: seconds taken, values it reported sealed (None when killed), and
    whether it was killed."""
    command = [sys.executable, "manage.py", "adopt_person_keys"]
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return time.perf_counter() - started, None, True
    if process.returncode != 0:
        raise SystemExit(f"adopt_person_keys failed ({process.returncode}):\n{output}")
    found = _SEALED.search(output)
    return time.perf_counter() - started, int(found.group(1)) if found else None, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--kill-after", type=float, default=20.0, help="seconds before the first run is killed"
    )
    args = parser.parse_args()
    use_bench_environment()
    copy_url = _copy(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": copy_url}
    os.environ["DATABASE_URL"] = copy_url
    print(f"on a copy: {urlsplit(copy_url).path.lstrip('/')}", flush=True)

    took, _, killed = _adopt(env, kill_after=args.kill_after)
    print(f"  first run: {'killed' if killed else 'finished'} after {took:.1f} s", flush=True)
    took, sealed, _ = _adopt(env, kill_after=None)
    print(f"  second run: finished in {took:.1f} s, {sealed:,} values sealed by it", flush=True)
    took, sealed_again, _ = _adopt(env, kill_after=None)
    print(f"  third run (nothing left): {took:.1f} s, {sealed_again:,} values sealed by it", flush=True)

    import django

    django.setup()
    from audit.management.commands.rotate_keys import encrypted_fields
    from audit.services import audit_verify
    from hrsuite import persons

    left = 0
    for model, fields in encrypted_fields():
        if not persons.holds_personal_data(model):
            continue
        for field in fields:
            left += model._base_manager.filter(**{f"{field.attname}__startswith": "v1:"}).count()
    keys = persons.person_key_model().objects.count()
    print(f"  personal values still under the keyring: {left:,}; person keys: {keys:,}")
    checked, broken = audit_verify()
    print(f"  audit chain: {'intact' if broken is None else f'BROKEN at #{broken.seq}'} ({checked:,} events)")


if __name__ == "__main__":
    main()
