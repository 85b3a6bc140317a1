"""Onboarding fixtures: the background-check provider's webhook secret, kept apart from the
interview provider's."""

import base64
import secrets

import pytest


@pytest.fixture(autouse=True)
def check_webhook_secret(settings):
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    settings.HRSUITE_WEBHOOK_SECRETS = f"{settings.HRSUITE_WEBHOOK_SECRETS},check_simulated:{key}"
    return key
