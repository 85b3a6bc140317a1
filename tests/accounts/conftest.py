import pytest

from hrsuite.roles import Role
from tests.accounts.sign_in import PASSWORD
from tests.factories import make_user


@pytest.fixture
def ivy(db):
    """An interviewer who signs in with a password."""
    user = make_user(Role.INTERVIEWER, username="ivy")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user
