"""The Content-Security-Policy on every response, and the API docs page served from our own origin
(Swagger UI from the installed drf-spectacular-sidecar package, no CDN)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse

from tests.packages import OUR_PACKAGES


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/sign-in/",
        "/portal/sign-in/",
        "/hr/candidates/",  # a redirect to sign in
        "/api/candidates/",  # 401 in the API's error shape
        "/api/no-such-thing/",  # 404 in the API's error shape
        "/admin/login/",
        "/static/hrsuite/site.css",
        "/portal/onboarding/not-a-token/",
    ],
)
def test_every_response_carries_the_strict_policy(client, path):
    _assert_strict(client.get(path))


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_carry_the_policy(client, recruiter):
    client.force_login(recruiter)
    for path in ("/hr/", "/hr/candidates/", "/api/candidates/", reverse("api-docs"), reverse("schema")):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(response)


class _Assets(HTMLParser):
    """Every address a page loads (scripts, styles, icons) and any inline script or style."""

    def __init__(self):
        super().__init__()
        self.addresses, self.inline = [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.addresses.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.addresses.append(attrs["href"])
        elif tag in ("script", "style"):
            self._in = tag
        self.inline += [name for name in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in and data.strip():
            self.inline.append(f"<{self._in}> {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self._in = None


@pytest.mark.django_db
def test_the_api_docs_load_only_same_origin_assets_and_they_are_served(client, recruiter):
    client.force_login(recruiter)
    page = client.get(reverse("api-docs"))
    assets = _Assets()
    assets.feed(page.content.decode())

    assert assets.inline == []
    assert len(assets.addresses) >= 5  # Swagger UI's css, bundle and preset, our css, the init script
    for address in assets.addresses:
        assert address.startswith("/") and not address.startswith("//"), address
        served = client.get(address)
        assert served.status_code == 200, address
        body = b"".join(served) if served.streaming else served.content
        assert body, address
    assert any(
        a.endswith("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") for a in assets.addresses
    )


# Inline code the policy would block: a <script> with a body, an on...= handler, a <style> element,
# a javascript: address.
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|<style[\s>]|javascript:", re.IGNORECASE)


def test_no_template_has_inline_script_handlers_or_style_elements():
    directories = [Path(d) for d in engines["django"].engine.dirs]
    directories += [Path(settings.BASE_DIR) / app / "templates" for app in OUR_PACKAGES]
    found = [
        f"{template}: {match.group(0)}"
        for directory in directories
        if directory.is_dir()
        for template in directory.rglob("*.html")
        if "emails" not in template.parts  # mail clients, not browsers, read these
        for match in _INLINE.finditer(template.read_text())
    ]
    assert found == []
