"""The foundation's commands: help, demo, createuser, audit verify, backup and restore."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from losen.apps.accounts.models import Membership, User
from losen.apps.audit.models import AuditEntry
from losen.cli import main

FOUNDATION_COMMANDS = ["serve", "demo", "migrate", "createuser", "audit", "backup", "restore"]


def test_help_lists_every_command_with_a_description(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in FOUNDATION_COMMANDS:
        line = next((ln for ln in out.splitlines() if ln.strip().startswith(command)), None)
        assert line is not None, command
        described = line.strip()[len(command) :].strip() or "?"
        assert described != "?" or command in out


def test_every_subcommand_has_a_help_text():
    from losen.cli import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    helps = {choice.dest: choice.help for choice in actions[0]._choices_actions}
    for command in FOUNDATION_COMMANDS:
        assert helps.get(command), command


def test_demo_creates_and_resets_with_a_given_password(db, capsys):
    assert main(["demo", "--password", "et-demo-passord"]) == 0
    out = capsys.readouterr().out
    assert "Fjordvik kommune" in out and "et-demo-passord" in out
    users = set(User.objects.filter(is_synthetic=True).values_list("username", flat=True))
    assert users == {
        "leder",
        "saksbehandler",
        "kliniker",
        "analytiker",
        "admin",
        "leser",
        "nabo-kliniker",
    }
    assert User.objects.get(username="leder").check_password("et-demo-passord")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    generated = out.strip().splitlines()[-1].rsplit(": ", 1)[1]
    assert len(generated) >= 12
    assert User.objects.get(username="kliniker").check_password(generated)
    assert User.objects.filter(username="leder").count() == 1
    assert main(["audit", "verify"]) == 0


def test_demo_marks_everything_synthetic(demo):
    from losen.apps.persons.models import Person

    assert demo["fjordvik"].is_synthetic and demo["nabovik"].is_synthetic
    assert 20_000 <= demo["fjordvik"].inhabitants <= 30_000
    assert Person.objects.exists() and not Person.objects.filter(is_synthetic=False).exists()
    roles = set(
        Membership.objects.filter(municipality=demo["fjordvik"]).values_list("role", flat=True)
    )
    assert roles == {"leder", "saksbehandler", "kliniker", "analytiker", "admin", "leser"}


def test_createuser_from_stdin(demo, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("et langt og godt passord 7\n"))
    code = main(
        [
            "createuser",
            "ny-leder",
            "--municipality",
            "4699",
            "--role",
            "leder",
            "--role",
            "analytiker",
            "--password-stdin",
        ]
    )
    assert code == 0
    user = User.objects.get(username="ny-leder")
    assert user.password.startswith(("argon2", "md5"))
    assert set(user.memberships.values_list("role", flat=True)) == {"leder", "analytiker"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["createuser", "x", "--municipality", "0000", "--role", "leder", "--password-stdin"],
            "fant ingen kommune",
        ),
        (
            [
                "createuser",
                "leder",
                "--municipality",
                "4699",
                "--role",
                "leder",
                "--password-stdin",
            ],
            "allerede i bruk",
        ),
    ],
)
def test_createuser_bad_input_exits_2(demo, monkeypatch, capsys, args, message):
    monkeypatch.setattr("sys.stdin", io.StringIO("et langt og godt passord 7\n"))
    assert main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_createuser_weak_password_exits_2(demo, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert (
        main(
            ["createuser", "svak", "--municipality", "4699", "--role", "leser", "--password-stdin"]
        )
        == 2
    )
    assert not User.objects.filter(username="svak").exists()


def test_audit_verify_exit_codes(demo, capsys):
    assert main(["audit", "verify"]) == 0
    assert "hel" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor_label = 'mallory' WHERE sequence = 2"
        )
    assert main(["audit", "verify"]) == 1
    assert "brutt ved post 2" in capsys.readouterr().out


def test_backup_and_restore_commands(demo, tmp_path, capsys):
    path = tmp_path / "kopi.json"
    assert main(["backup", str(path)]) == 0
    assert path.exists() and "rader" in capsys.readouterr().out
    assert main(["restore", str(path)]) == 2
    assert "ikke tom" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "finnes-ikke.json")]) == 2


def test_a_closed_pipe_ends_the_command_quietly():
    """``losen … | head`` gives no traceback when head stops reading."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "losen.cli", "fhir", "questionnaire", "phq-9"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # before the command has started writing
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
