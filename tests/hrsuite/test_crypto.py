import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from candidates.models import Candidate
from hrsuite import crypto
from tests.factories import make_candidate


def _ring(*ids):
    return crypto.KeyRing.parse(
        ",".join(f"{i}:{base64.b64encode(bytes([n]) * 32).decode()}" for n, i in enumerate(ids))
    )


def test_round_trip_is_bound_to_its_associated_data():
    ring = _ring("a")
    token = crypto.encrypt("张伟 zhang.wei@example.test", aad=b"x|email|1", ring=ring)
    assert crypto.decrypt(token, aad=b"x|email|1", ring=ring) == "张伟 zhang.wei@example.test"
    with pytest.raises(crypto.DecryptionError, match="altered or moved"):
        crypto.decrypt(token, aad=b"x|email|2", ring=ring)


def test_wrong_key_is_an_error_not_plaintext():
    token = crypto.encrypt("secret", aad=b"a", ring=_ring("a"))
    other = crypto.KeyRing.parse(f"a:{base64.b64encode(b'z' * 32).decode()}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, aad=b"a", ring=other)
    with pytest.raises(crypto.DecryptionError, match="No key with id 'a'"):
        crypto.decrypt(token, aad=b"a", ring=_ring("b"))


def test_tampered_ciphertext_is_refused():
    ring = _ring("a")
    token = crypto.encrypt("secret", aad=b"a", ring=ring)
    blob = bytearray(base64.b64decode(token.split(":")[2]))
    blob[-1] ^= 1
    tampered = "v1:a:" + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, aad=b"a", ring=ring)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "no key"),
        ("a", "key_id:base64key"),
        ("a:!!", "not base64"),
        ("a:" + base64.b64encode(b"short").decode(), "32 bytes"),
    ],
)
def test_bad_key_ring_is_refused_with_a_clear_message(spec, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.KeyRing.parse(spec)


def test_encrypted_fields_are_ciphertext_in_the_database(recruiter):
    candidate = make_candidate(recruiter, email="Li.Na@Example.test", phone="+86 139 1234 5678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, phone FROM candidates_candidate WHERE id = %s",
            [candidate.pk.hex if connection.vendor == "sqlite" else candidate.pk],
        )
        email, phone = cursor.fetchone()
    # Sealed under the candidate's own key (hrsuite.persons).
    assert email.startswith(f"p1:{candidate.pk.hex}:") and "example" not in email.lower()
    assert phone.startswith(f"p1:{candidate.pk.hex}:") and "1234" not in phone
    fresh = Candidate.objects.get(pk=candidate.pk)
    assert (fresh.email, fresh.phone) == ("li.na@example.test", "+86 139 1234 5678")


def test_a_value_moved_to_another_row_does_not_decrypt(recruiter):
    first, second = make_candidate(recruiter), make_candidate(recruiter)
    stolen = Candidate.objects.values_list("phone", flat=True).get(pk=first.pk)
    from hrsuite.fields import Sealed

    Candidate.objects.filter(pk=second.pk).update(phone=Sealed(str(stolen)))
    with pytest.raises(crypto.DecryptionError):
        _ = Candidate.objects.get(pk=second.pk).phone


def test_queryset_update_with_plaintext_is_refused(recruiter):
    candidate = make_candidate(recruiter)
    with pytest.raises(TypeError, match="encrypted"):
        Candidate.objects.filter(pk=candidate.pk).update(phone="+1 555 0100")
