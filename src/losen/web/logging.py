"""A logging filter that keeps personal data out of application log lines.

The first rule is to never log personal data at all; this filter is the second line: it
replaces anything shaped like a Norwegian national identity number (11 digits) or an e-mail
address in the formatted message with a placeholder.
"""

from __future__ import annotations

import logging
import re

_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(text: str) -> str:
    """Return *text* with identity numbers and e-mail addresses replaced."""
    text = _NATIONAL_ID.sub("[fødselsnummer fjernet]", text)
    return _EMAIL.sub("[e-post fjernet]", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
