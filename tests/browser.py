"""A real browser for the page tests: Debian's Chromium, driven by Playwright, against
pytest-django's live server.

`make test` installs the `chromium` package when it is missing; Playwright's own browser download
is never used. Without the browser the tests skip, or fail when REQUIRE_SERVICES=1 (CI).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("HRSUITE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]
PASSWORD = "browser-pass-1"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"needs Chromium at {CHROMIUM} (`apt-get install -y chromium`; `make test` does it)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and made between browser steps, never during one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, live_server):
    """`browser_page(locale=..., phone=False)` opens a fresh context (no cookies) on the live server."""
    contexts = []

    def open_page(*, locale: str = "en-US", phone: bool = False):
        options = {"base_url": live_server.url, "locale": locale}
        if phone:
            options.update(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, user, *, password: str = PASSWORD, next_path: str = "") -> None:
    """Signs `user` in through the sign-in form; their password is set to `password` first."""
    user.set_password(password)
    user.save(update_fields=["password"])
    page.goto(f"/account/sign-in/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("Username").or_(page.get_by_label("用户名")).fill(user.get_username())
    page.get_by_label("Password").or_(page.get_by_label("密码")).fill(password)
    page.get_by_role("button", name="Sign in").or_(page.get_by_role("button", name="登录")).click()
    page.wait_for_load_state()
