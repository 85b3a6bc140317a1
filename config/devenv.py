"""Prints a `.env` with fresh random secrets for the embedded default (`make run` writes it once)."""

import base64
import secrets


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def main() -> None:
    print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
    print(f"HRSUITE_ENCRYPTION_KEYS=local1:{_key()}")
    print(f"HRSUITE_BLIND_INDEX_KEY={_key()}")
    print(f"HRSUITE_AUDIT_KEY={_key()}")
    print(f"HRSUITE_WEBHOOK_SECRETS=simulated:{_key()},check_simulated:{_key()}")


if __name__ == "__main__":
    main()
