"""Finding personal data in free text: names, national identity numbers, phone numbers and
e-mail addresses, however they are written.

Pure functions (no database), shared by the check before publishing
(:func:`losen.apps.priorities.public.find_personal_data`) and the emergency-access reason
(:mod:`losen.apps.persons.forms`). Text is first brought to one form (:func:`normalise`):
Unicode NFKC (full-width digits and letters, no-break and thin spaces become plain ones),
then every format character (Unicode category Cf: soft hyphen, zero-width space and joiners,
word joiner, byte order mark, bidirectional marks) and the invisible combining characters are
removed, and runs of white space become one space. A name written «Han\\u00adsen» or
«Hansen\\u200b» is therefore found as «Hansen» (OWASP ASVS 4.0.3 V5.1.4: canonicalise before
checking).

National identity numbers (fødselsnummer, D-nummer, H-nummer) are 11 digits; people write them
with spaces, dots, dashes or slashes between groups («010170 00027», «01.01.70 00027»,
«010170-00027»). :func:`eleven_digit_numbers` finds every such number; grouping in threes
from the right («13 000 000 000») is how amounts are written and is left out of the check
before publishing, which also validates the check digits with python-stdnum
(:func:`identity_numbers`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from stdnum.no import fodselsnummer

#: Invisible characters that are not of category Cf but render as nothing: the combining
#: grapheme joiner and the variation selectors.
_INVISIBLE_MARKS = frozenset(
    ["\u034f", *map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))]
)
_SPACES = re.compile(r"\s+")


def _strip_invisible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in _INVISIBLE_MARKS)


def normalise(text: str) -> str:
    """*text* in one canonical form: NFKC, no format or invisible characters, single spaces."""
    text = _strip_invisible(unicodedata.normalize("NFKC", _strip_invisible(text)))
    return _SPACES.sub(" ", text)


def letter_count(text: str) -> int:
    """How many letters (Unicode category L*) *text* holds once normalised."""
    return sum(1 for c in normalise(text) if unicodedata.category(c).startswith("L"))


# --- National identity numbers ---------------------------------------------------------------

#: Between two groups of digits: up to three spaces, dots, dashes (any kind) or slashes.
_SEPARATOR = r"[ .\-\u2010-\u2015\u2212/_]{1,3}"
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text)


def _eleven_digit_windows(run: str) -> Iterable[tuple[str, list[int]]]:
    """Every 11-digit stretch of whole groups in a run of digit groups, with its group sizes."""
    groups = _GROUP.findall(run)
    for start in range(len(groups)):
        total = 0
        for end in range(start, len(groups)):
            total += len(groups[end])
            if total == 11:
                window = groups[start : end + 1]
                yield _ascii_digits("".join(window)), [len(g) for g in window]
            if total >= 11:
                break


def _is_amount_grouping(sizes: list[int]) -> bool:
    """Groups of three from the right («13 000 000 000»): how amounts are written."""
    return len(sizes) > 1 and 1 <= sizes[0] <= 3 and all(s == 3 for s in sizes[1:])


def eleven_digit_numbers(text: str) -> list[str]:
    """Every 11-digit number in *text*, written with or without separators between groups.

    No check-digit test: an identity number with a typing error is still one.
    """
    found = []
    for match in _DIGIT_RUN.finditer(normalise(text)):
        found.extend(digits for digits, _sizes in _eleven_digit_windows(match.group()))
    return found


def mask_eleven_digit_numbers(text: str, mark: str) -> str:
    """*text*, normalised, with every run of digits that holds an 11-digit number replaced."""

    def replace(match: re.Match[str]) -> str:
        has_number = any(True for _window in _eleven_digit_windows(match.group()))
        return mark if has_number else match.group()

    return _DIGIT_RUN.sub(replace, normalise(text))


def identity_numbers(text: str) -> list[str]:
    """Valid fødselsnumre and D-numre in *text* (check digits verified), however separated.

    Numbers grouped as amounts (threes from the right) are left out.
    """
    found = []
    for match in _DIGIT_RUN.finditer(normalise(text)):
        for digits, sizes in _eleven_digit_windows(match.group()):
            if not _is_amount_grouping(sizes) and fodselsnummer.is_valid(digits):
                found.append(digits)
    return found


# --- Phone numbers ----------------------------------------------------------------------------

# Norwegian numbers have eight digits and begin with 2-9 (1 and 0 begin short and special
# numbers), written «91 23 45 67», «912 34 567», «912-34-567», «91.23.45.67» or «91234567»,
# with or without +47 or 0047. One separator is used throughout a number, so a time span
# («10.15-12.30») does not match; amounts («13 000 000») are grouped in threes and do not match.
_PHONE_BODY = (
    r"[2-9]\d(?P<s>[ .\-\u2010-\u2015]?)\d\d(?P=s)\d\d(?P=s)\d\d"
    r"|[2-9]\d\d(?P<t>[ .\-\u2010-\u2015]?)\d\d(?P=t)\d\d\d"
)
PHONE = re.compile(
    rf"(?<!\d)(?<!\d[,.])(?:(?:\+|00)\s?47[\s.\-]?|\(\+?47\)\s?)?(?:{_PHONE_BODY})(?![\d]|[,.]\d)"
)


def phone_numbers(text: str) -> list[str]:
    """Things in *text* written as Norwegian phone numbers."""
    return [m.group() for m in PHONE.finditer(normalise(text))]


# --- E-mail addresses -------------------------------------------------------------------------

_AT_WORDS = r"(?:at|alfakrøll|krøllalfa)"
_DOT_WORDS = r"(?:dot|punktum|prikk)"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:\s?@\s?|\s?{_OPEN}\s?{_AT_WORDS}\s?{_CLOSE}\s?)"
_DOT_WORD = rf"(?:\s?{_OPEN}\s?{_DOT_WORDS}\s?{_CLOSE}\s?|\s{_DOT_WORDS}\s)"
_LOCAL, _LABEL = r"[\w.+\-]+", r"[\w\-]+"
#: «navn@example.no», «navn@example», «navn (at) example.no», «navn [at] example dot no».
EMAIL = re.compile(
    rf"(?<![\w.+\-]){_LOCAL}{_AT}{_LABEL}(?:(?:\.|{_DOT_WORD}){_LABEL})*", re.IGNORECASE
)
#: «navn at example dot no»: a bare «at» only together with a spelled-out dot.
EMAIL_SPOKEN = re.compile(
    rf"(?<![\w.+\-]){_LOCAL}\s{_AT_WORDS}\s{_LABEL}(?:{_DOT_WORD}{_LABEL})+", re.IGNORECASE
)


def email_addresses(text: str) -> list[str]:
    """Things in *text* written as e-mail addresses, also with the @ or the dots spelled out."""
    text = normalise(text)
    return [m.group() for m in EMAIL.finditer(text)] + [
        m.group() for m in EMAIL_SPOKEN.finditer(text)
    ]


# --- Names ------------------------------------------------------------------------------------

#: After a name: nothing, or a genitive («Hansens», «Hansen's», «Hansen’s», «Hansen s»,
#: «Nilsens'»), and then no further letter.
_GENITIVE = r"(?:['’´`]?\s?s|['’´`])?"


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(normalise(name).strip().casefold())}{_GENITIVE}(?!\w)")


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The *names* that occur in *text* as words (also in the genitive), sorted.

    Both sides are normalised and case-folded first, so soft hyphens, zero-width characters,
    no-break spaces and capitals hide nothing.
    """
    folded = normalise(text).casefold()
    wanted = sorted({n for n in names if n and normalise(n).strip()})
    return [name for name in wanted if _name_pattern(name).search(folded)]
