"""Password sign-in through real requests, for the tests of its limits with and without Redis."""

from django.contrib.auth import SESSION_KEY

SIGN_IN = "/account/sign-in/"
PASSWORD = "harbour-lantern-quiet-47"
# Ivy's desk, and an address she never signed in from.
IVYS_DESK = "198.51.100.7"
STRANGER = "203.0.113.66"


def attempt(client, username, password, ip=IVYS_DESK):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signs_in(client, username, password, ip=IVYS_DESK) -> bool:
    answer = attempt(client, username, password, ip=ip)
    signed_in = answer.status_code == 302 and SESSION_KEY in client.session
    client.logout()
    return signed_in
