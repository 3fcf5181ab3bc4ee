"""Comments, docstrings and pages stand alone: they cite public sources, never a file outside the
repository (design notes, a tracker's issues, a path on one machine).

A fact keeps its public source: the law and section (lovdata.no), Helsedirektoratet's guideline
with its chapter and URL, SSB's or FHI's table or API guide, the paper. The real-data test files
are the one thing kept outside on purpose; the folder they lie in is named only where tests find
it (tests/domain/indicators/shared_data.py) and where CI and contributors are told about it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: What is read: the code, tests, tools, benchmarks, the pages and the build files.
SCANNED_DIRS = ("src", "docs", "tests", "tools", "benchmarks", ".ci")
SCANNED_FILES = (
    "README.md",
    "ARCHITECTURE.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "Makefile",
    "pyproject.toml",
)
#: Translation catalogues follow the templates and code (messages-update); binary files say nothing.
SKIPPED_SUFFIXES = {
    ".po",
    ".mo",
    ".pyc",
    ".png",
    ".jpg",
    ".ico",
    ".woff",
    ".woff2",
    ".xlsx",
    ".docx",
}
SKIPPED_PARTS = {"__pycache__", "node_modules", ".venv"}

#: The files that may name the folder of real-data fixtures beside the checkout.
REAL_DATA_FOLDER_NAMED_IN = {
    "tests/domain/indicators/shared_data.py",
    "tests/conftest.py",
    ".ci/run",
    "CONTRIBUTING.md",
    "pyproject.toml",
    "Makefile",
}

#: Places not yet cleaned because their code is being reorganised by others at the moment;
#: each is (file, the text it may still hold). Remove an entry once its file no longer needs it.
NOT_YET_CLEANED = {
    ("src/losen/apps/insight/queries.py", "data.md"),
    ("src/losen/apps/insight/models.py", "data.md"),
}

#: (name, pattern) for what a stand-alone text does not contain.
FORBIDDEN = (
    ("the real-data folder outside the repository", re.compile(r"\.\./shared\b|\bshared/data\b")),
    (
        "the design notes outside the repository",
        re.compile(r"\bshared/(?:domain|design|seeds|hooks)\b|\bdomain/prioritering\b"),
    ),
    ("a section of the brief", re.compile(r"\bbrief\s*§", re.IGNORECASE)),
    ("a section of the notes", re.compile(r"\banchors\s*§|§\s?\d+\.\d+")),
    ("a tracker's issue", re.compile(r"(?<!scipy )(?<!django )\bissue\s#?\d+", re.IGNORECASE)),
    ("a path on this machine", re.compile(r"(?<![\w.])/(?:work|root|home/\w+|tmp/h)/")),
)
MARKDOWN_NAME = re.compile(r"(?<![\w/.-])([\w-]+\.md)\b")
URL = re.compile(r"https?://\S+")


def _scanned() -> list[Path]:
    files = [ROOT / name for name in SCANNED_FILES if (ROOT / name).is_file()]
    for folder in SCANNED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix not in SKIPPED_SUFFIXES
                and not SKIPPED_PARTS & set(path.parts)
                and ".egg-info" not in str(path)
                and path != Path(__file__).resolve()
            ):
                files.append(path)
    return files


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _allowed(rel: str, found: str) -> bool:
    return any(rel == file and text in found for file, text in NOT_YET_CLEANED)


def test_no_text_cites_a_file_outside_the_repository():
    offences = []
    for path in _scanned():
        text = _text(path)
        if text is None:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            bare = URL.sub("", line)
            for what, pattern in FORBIDDEN:
                for match in pattern.finditer(bare):
                    if what.startswith("the real-data folder") and rel in REAL_DATA_FOLDER_NAMED_IN:
                        continue
                    if not _allowed(rel, match.group(0)) and not _allowed(rel, bare):
                        offences.append(f"{rel}:{number}: {what}: {line.strip()[:120]}")
    assert offences == []


def test_every_markdown_file_named_is_in_the_repository():
    """A name like ``data.md`` in a comment or page must be a page of this repository."""
    pages = {path.name for path in ROOT.rglob("*.md") if not SKIPPED_PARTS & set(path.parts)}
    missing = []
    for path in _scanned():
        text = _text(path)
        if text is None:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            for name in MARKDOWN_NAME.findall(URL.sub("", line)):
                if name not in pages and not _allowed(rel, name):
                    missing.append(f"{rel}:{number}: {name}")
    assert missing == []


def test_the_patterns_catch_what_they_are_for():
    """The check itself: each kind of reference it exists for is caught, a public one is not."""
    caught = [
        "see ../shared/domain/prioritering.md",
        "as the brief §6.3 says",
        "anchors §2.4 lists them",
        "(data.md §1.3)",
        "from issue 3",
        "read /work/main/var",
    ]
    for sample in caught:
        assert any(p.search(sample) for _, p in FORBIDDEN), sample
    public = [
        "hol. § 3-2 (https://lovdata.no/lov/2011-06-24-30/§3-2)",
        "scipy issue 16545",
        "fvl § 11 a",
        "https://github.com/folkehelseinstituttet/Fhi.Statistikk.OpenAPI/issues/3",
    ]
    for sample in public:
        assert not any(p.search(URL.sub("", sample)) for _, p in FORBIDDEN), sample
