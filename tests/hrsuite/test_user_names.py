"""How people's names are shown on every page."""

from accounts.models import User


def test_chinese_names_are_family_name_first_without_a_space():
    assert User(first_name="美", last_name="林").get_full_name() == "林美"


def test_other_names_are_given_name_first():
    assert User(first_name="Anna", last_name="Schmidt").get_full_name() == "Anna Schmidt"
    assert User(first_name="Wei", last_name="张").get_full_name() == "Wei 张"
