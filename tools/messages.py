"""Update the translation catalogues: one for the project, one per app that keeps its own.

The project catalogue (``src/losen/web/locale``) holds every string outside the domain layer
except those of apps with a ``locale`` folder of their own, which keep theirs, so that
modules can be built side by side. Usage::

    python tools/messages.py            # update every catalogue (nb, nn, en)
    python tools/messages.py --check    # exit 1 if any catalogue lacks a string in the code
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "losen"
LANGUAGES = ("nb", "nn", "en")


def app_catalogue_dirs(package: Path = PACKAGE) -> list[Path]:
    """Apps that keep their own catalogue (an ``apps/<name>/locale`` folder)."""
    return sorted(p.parent for p in (package / "apps").glob("*/locale") if p.is_dir())


def _makemessages(package: Path, languages, workdir: Path, extra_path: Path | None) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "losen.web.settings.test",
        "LOSEN_VAR_DIR": str(Path(tempfile.gettempdir()) / "losen-messages-var"),
    }
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    ignores = ["domain/*"] + [
        f"{app.relative_to(package)}/*" for app in app_catalogue_dirs(package)
    ]
    # -P: run from an app's folder without putting it first on sys.path, where a module of the
    # app named like one of the standard library's (selectors.py) would shadow it.
    base = [sys.executable, "-P", "-m", "django", "makemessages", "--no-location", "--no-obsolete"]
    langs = [arg for lang in languages for arg in ("-l", lang)]
    subprocess.run(
        base + langs + [arg for i in ignores for arg in ("--ignore", i)],
        cwd=package,
        env=env,
        check=True,
        capture_output=True,
    )
    for app in app_catalogue_dirs(package):
        subprocess.run(base + langs, cwd=app, env=env, check=True, capture_output=True)


def catalogues(package: Path = PACKAGE) -> list[Path]:
    """Every catalogue folder: the project's and each app's."""
    return [package / "web" / "locale", *(app / "locale" for app in app_catalogue_dirs(package))]


def update() -> None:
    _makemessages(PACKAGE, LANGUAGES, PACKAGE, None)
    for locale in catalogues():
        nb = locale / "nb" / "LC_MESSAGES" / "django.po"
        # Bokmål is the source language: its translations are the msgids themselves.
        subprocess.run(["msgen", "--force-po", "-o", str(nb), str(nb)], check=True)


def extract_fresh(tmp: Path) -> Path:
    """Copy the package to *tmp* and extract the bokmål catalogues there; return the copy."""
    copy = tmp / "losen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "domain"))
    # PYTHONPATH makes the copy the imported package, so makemessages writes into the copy.
    _makemessages(copy, ["nb"], copy, tmp)
    return copy


def read_catalogue(po_path: Path) -> dict[str, list[str]]:
    """msgid -> translations of a PO file (multi-line strings joined; fuzzy counts as empty)."""
    entries: dict[str, list[str]] = {}
    current_id: list[str] | None = None
    current_strs: list[list[str]] = []
    target: list[str] | None = None
    fuzzy = False
    for raw in [*po_path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current_id is not None and "".join(current_id):
                entries["".join(current_id)] = ["" if fuzzy else "".join(s) for s in current_strs]
            current_id, current_strs, target, fuzzy = None, [], None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            current_id = [line[7:-1]]
            target = current_id
        elif line.startswith("msgid_plural "):
            target = []
        elif line.startswith("msgstr"):
            current_strs.append([line.split(" ", 1)[1][1:-1]])
            target = current_strs[-1]
        elif line.startswith('"') and target is not None:
            target.append(line[1:-1])
    return entries


def stale_catalogues(tmp: Path) -> list[str]:
    """Catalogues that lack strings found in the code now, with what they lack."""
    copy = extract_fresh(tmp)
    stale = []
    for committed, fresh in zip(catalogues(), catalogues(copy), strict=True):
        po = "nb/LC_MESSAGES/django.po"
        missing = set(read_catalogue(fresh / po)) - set(read_catalogue(committed / po))
        if missing:
            stale.append(f"{committed.relative_to(ROOT)}: mangler {sorted(missing)[:3]} …")
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if not args.check:
        update()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = stale_catalogues(Path(tmp))
        for line in stale:
            print(line, file=sys.stderr)
        return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
