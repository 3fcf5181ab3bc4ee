"""``losen demo --password`` follows the same password rules as every other account."""

from __future__ import annotations

import pytest

from losen.apps.accounts.models import Municipality, User
from losen.cli import main


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-pass", "Passordet er for kort: det må ha minst 12 tegn."),  # 9 characters
        ("", "Passordet er for kort"),
        ("12345678901234", "bare tall"),
        ("password1234", "for vanlig"),
    ],
)
def test_a_weak_demo_password_exits_2_and_changes_nothing(db, capsys, password, message):
    assert main(["demo", "--password", password]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("losen: --password: ") and message in captured.err
    assert not User.objects.exists() and not Municipality.objects.exists()


def test_a_12_character_demo_password_is_taken(db, capsys):
    assert main(["demo", "--password", "tolv-tegn-ok"]) == 0
    assert User.objects.get(username="leder").check_password("tolv-tegn-ok")
