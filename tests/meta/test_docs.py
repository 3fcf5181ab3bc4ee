"""The documentation keeps up with the code: every command and contract is described."""

from __future__ import annotations

from pathlib import Path

from losen.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"


def _commands(parser, prefix=""):
    """Yield every command path, e.g. ``audit verify``, from the argparse tree."""
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                path = f"{prefix}{name}"
                has_children = any(
                    a.__class__.__name__ == "_SubParsersAction" for a in sub._actions
                )
                if has_children:
                    yield from _commands(sub, path + " ")
                else:
                    yield path


def test_every_command_is_in_the_reference():
    """Each ``losen`` command appears as ``losen <command>`` in docs/reference."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in REFERENCE.glob("*.md"))
    commands = list(_commands(build_parser()))
    assert "audit verify" in commands and "serve" in commands
    undocumented = [c for c in commands if f"losen {c}" not in text]
    assert undocumented == []


def test_readme_opens_with_the_two_commands():
    """The README's first commands are exactly ``make demo`` and ``make test``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command_on_both_databases():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line.strip() for line in script.splitlines()].count("make test") == 2
    assert "postgresql://postgres@127.0.0.1:5432/test" in script
