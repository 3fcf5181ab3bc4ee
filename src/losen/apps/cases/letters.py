"""The caseworker's letters: the decision letter (vedtaksbrev) and the preliminary reply.

Each letter is built from a plain frozen dataclass (:class:`DecisionLetter`,
:class:`PreliminaryReply`) into one :class:`~losen.apps.common.documents.Paper`; the DOCX
(:func:`decision_docx`, :func:`preliminary_reply_docx`) and the printable page
(:func:`decision_html`, :func:`preliminary_reply_html`) are rendered from that same paper, so
they cannot drift.

A letter is written in the language the applicant asked for, bokmål (``nb``) or nynorsk
(``nn``): the text is built under ``translation.override(letter.language)`` from bokmål msgids.

What a decision letter says follows forvaltningsloven (https://lovdata.no/lov/1967-02-10):
§ 24 (a decision gives its reasons at the same time as it is made), § 25 (the rules the
decision rests on, the facts relied on and the main considerations), § 27 (the letter tells of
the right to complain, the deadline, where to send the complaint and how it is dealt with, and
of the right to see the case documents under §§ 18 and 19) and § 33 (the municipality looks at
a complaint first). The complaint goes on to Statsforvalteren under pasient- og
brukerrettighetsloven § 7-2 (https://lovdata.no/lov/1999-07-02-63), four weeks from receipt by
default. A place on the waiting list is for a service granted but not yet given; for long-term
places it is the list the municipality keeps under helse- og omsorgstjenesteloven § 3-2 a
(https://lovdata.no/lov/2011-06-24-30). The preliminary reply is
forvaltningsloven § 11 a: sent when a case takes more than a month, with the reason and, as far
as possible, when a decision can be expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from losen.apps.common.documents import Paper, Section, long_date, paragraphs_of, to_docx

from .models.decisions import in_sentence

LANGUAGES = ("nb", "nn")
INNVILGET = "innvilget"
DELVIS_INNVILGET = "delvis-innvilget"
AVSLAG = "avslag"
OUTCOMES = (INNVILGET, DELVIS_INNVILGET, AVSLAG)
#: pasient- og brukerrettighetsloven § 7-2: four weeks from receipt.
COMPLAINT_WEEKS = 4


@dataclass(frozen=True, kw_only=True)
class Contact:
    """Who the applicant can ask about the case."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class DecisionLetter:
    """Everything a decision letter says; dates are ``datetime.date``.

    ``scope`` and ``valid_from`` are required unless the outcome is ``avslag``;
    ``refused_part`` is required for ``delvis-innvilget``; an ``avslag`` has no scope, period,
    re-evaluation or waiting-list place. ``facts`` and ``considerations`` are free text
    (paragraphs at blank lines). ``complaint_deadline`` is the last day to complain when the
    caller has worked it out from when the letter will be received; otherwise the letter
    gives the number of weeks only.
    """

    municipality_name: str
    unit_name: str
    reference: str
    letter_date: dt.date
    language: str
    applicant_name: str
    applicant_address_lines: tuple[str, ...]
    outcome: str
    service_label: str
    legal_basis: str
    facts: str
    considerations: str
    complaint_to: str
    contact_person: Contact
    applied_for: str = ""
    received_on: dt.date | None = None
    representative: str = ""
    scope: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    review_on: dt.date | None = None
    refused_part: str = ""
    complaint_weeks: int = COMPLAINT_WEEKS
    complaint_deadline: dt.date | None = None
    waiting_list_place: int | None = None

    def __post_init__(self):
        _check_common(self)
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        if self.complaint_weeks < 1:
            raise ValueError("complaint_weeks must be at least 1")
        for name in ("legal_basis", "facts", "considerations", "complaint_to"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"a decision letter needs {name} (forvaltningsloven §§ 25, 27)")
        if self.outcome == AVSLAG:
            given = [
                n
                for n in ("scope", "valid_from", "valid_to", "review_on", "waiting_list_place")
                if getattr(self, n) not in ("", None)
            ]
            if given:
                raise ValueError(f"an avslag has no {', '.join(given)}")
        else:
            if not self.scope.strip() or self.valid_from is None:
                raise ValueError("a granted service needs scope and valid_from")
            if self.valid_to is not None and self.valid_to < self.valid_from:
                raise ValueError("valid_to is before valid_from")
        if self.outcome == DELVIS_INNVILGET and not self.refused_part.strip():
            raise ValueError("a partly granted decision says what is refused (refused_part)")
        if self.waiting_list_place is not None and self.waiting_list_place < 1:
            raise ValueError("waiting_list_place starts at 1")


@dataclass(frozen=True, kw_only=True)
class PreliminaryReply:
    """A preliminary reply (forvaltningsloven § 11 a); ``expected_decision_on`` if known."""

    municipality_name: str
    unit_name: str
    reference: str
    letter_date: dt.date
    language: str
    applicant_name: str
    applicant_address_lines: tuple[str, ...]
    service_label: str
    received_on: dt.date
    reason: str
    contact_person: Contact
    expected_decision_on: dt.date | None = None
    representative: str = ""

    def __post_init__(self):
        _check_common(self)
        if not self.reason.strip():
            raise ValueError("a preliminary reply says why the case takes longer (fvl § 11 a)")


def _check_common(letter) -> None:
    if letter.language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {letter.language!r}")
    if not isinstance(letter.applicant_address_lines, tuple):
        raise TypeError("applicant_address_lines is a tuple of lines")


# --- Parts shared by both letters ---------------------------------------------------------------


def _address(letter) -> str:
    return "\n".join([letter.applicant_name, *letter.applicant_address_lines])


def _reference_lines(letter) -> str:
    return "\n".join(
        [
            _("Vår referanse: %(reference)s") % {"reference": letter.reference},
            _("Dato: %(date)s") % {"date": long_date(letter.letter_date)},
        ]
    )


def _contact(letter) -> Section:
    person = letter.contact_person
    section = Section(None, _("Kontakt"), key="contact")
    section.paragraphs.append(
        _("Har du spørsmål, kan du kontakte %(name)s.") % {"name": person.name}
    )
    lines = []
    if person.phone:
        lines.append(_("Telefon: %(phone)s") % {"phone": person.phone})
    if person.email:
        lines.append(_("E-post: %(email)s") % {"email": person.email})
    if lines:
        section.paragraphs.append("\n".join(lines))
    section.paragraphs.append(
        _("Oppgi referansen %(reference)s når du tar kontakt.") % {"reference": letter.reference}
    )
    return section


def _copy(letter) -> list[Section]:
    if not letter.representative.strip():
        return []
    return [
        Section(
            None,
            _("Kopi"),
            [_("Kopi av brevet er sendt til %(name)s.") % {"name": letter.representative}],
            key="copy",
        )
    ]


def _closing(letter) -> list[str]:
    person = letter.contact_person
    signature = [person.name, person.title, letter.unit_name, letter.municipality_name]
    return [_("Med vennlig hilsen"), "\n".join(line for line in signature if line)]


def _paper(letter, *, title: str, sections: list[Section]) -> Paper:
    return Paper(
        title=title,
        municipality=letter.municipality_name,
        language=letter.language,
        header_lines=[letter.unit_name] if letter.unit_name else [],
        before_title=[_address(letter), _reference_lines(letter)],
        sections=sections,
        closing=_closing(letter),
        subject=title,
        keywords=letter.reference,
    )


# --- The decision letter ---------------------------------------------------------------------


def _title(letter: DecisionLetter) -> str:
    values = {"service": in_sentence(letter.service_label)}
    if letter.outcome == INNVILGET:
        return _("Vedtak om %(service)s") % values
    if letter.outcome == DELVIS_INNVILGET:
        return _("Vedtak om %(service)s – delvis innvilget") % values
    return _("Vedtak om %(service)s – avslag") % values


def _applied(letter: DecisionLetter) -> Section:
    section = Section(None, _("Det du har søkt om"), key="applied")
    values = {"service": in_sentence(letter.service_label)}
    if letter.received_on is not None:
        values["date"] = long_date(letter.received_on)
        section.paragraphs.append(_("Vi fikk søknaden din om %(service)s %(date)s.") % values)
    else:
        section.paragraphs.append(_("Du har søkt om %(service)s.") % values)
    section.paragraphs += paragraphs_of(letter.applied_for)
    return section


def _decision(letter: DecisionLetter) -> Section:
    values = {"service": in_sentence(letter.service_label)}
    if letter.outcome == INNVILGET:
        text = _("Du får %(service)s.") % values
    elif letter.outcome == DELVIS_INNVILGET:
        text = (
            _(
                "Du får %(service)s, men ikke alt du søkte om. Nedenfor står hva du får, og hva "
                "du ikke får."
            )
            % values
        )
    else:
        text = _("Du får ikke %(service)s.") % values
    return Section(None, _("Vedtak"), [text], key="decision")


def _scope(letter: DecisionLetter) -> Section:
    section = Section(None, _("Hva du får, og hvor lenge"), key="scope")
    section.paragraphs += paragraphs_of(letter.scope)
    values = {"from": long_date(letter.valid_from)}
    if letter.valid_to is not None:
        values["to"] = long_date(letter.valid_to)
        section.paragraphs.append(_("Vedtaket gjelder fra %(from)s til og med %(to)s.") % values)
    else:
        section.paragraphs.append(
            _("Vedtaket gjelder fra %(from)s og til det blir endret eller avsluttet.") % values
        )
    return section


def _refused(letter: DecisionLetter) -> Section:
    return Section(None, _("Det du ikke får"), paragraphs_of(letter.refused_part), key="refused")


def _waiting_list(letter: DecisionLetter) -> Section:
    return Section(
        None,
        _("Venteliste"),
        [
            _(
                "Vi har ikke et ledig tilbud til deg nå. Du står som nummer %(place)d på "
                "kommunens venteliste. Nummeret kan endre seg mens du venter. Vi gir deg "
                "beskjed når du får tilbudet."
            )
            % {"place": letter.waiting_list_place},
        ],
        key="waiting_list",
    )


def _legal_basis(letter: DecisionLetter) -> Section:
    return Section(
        None,
        _("Lovgrunnlag"),
        [_("Vi har gjort vedtaket etter %(basis)s.") % {"basis": letter.legal_basis}],
        key="legal_basis",
    )


def _facts(letter: DecisionLetter) -> Section:
    section = Section(None, _("Opplysningene vi har bygget på"), key="facts")
    section.paragraphs += paragraphs_of(letter.facts)
    section.paragraphs.append(_("Er noe av dette feil, eller mangler noe, vil vi gjerne vite det."))
    return section


def _reasons(letter: DecisionLetter) -> Section:
    if letter.outcome == INNVILGET:
        lead = _("Dette har vi lagt mest vekt på:")
    elif letter.outcome == DELVIS_INNVILGET:
        lead = _("Dette er grunnene til at du får noe, men ikke alt du søkte om:")
    else:
        lead = _("Dette er grunnene til at du ikke får det du søkte om:")
    return Section(
        None, _("Begrunnelse"), [lead, *paragraphs_of(letter.considerations)], key="reasons"
    )


def _review(letter: DecisionLetter) -> list[Section]:
    if letter.outcome == AVSLAG:
        text = _("Endrer situasjonen din seg, kan du søke på nytt.")
        return [Section(None, _("Hvis situasjonen din endrer seg"), [text], key="review")]
    if letter.review_on is None:
        return []
    text = _(
        "Vi vurderer på nytt innen %(date)s om du fortsatt trenger tjenesten, og hvor mye. "
        "Endrer behovet ditt seg før det, kan du ta kontakt med oss."
    ) % {"date": long_date(letter.review_on)}
    return [Section(None, _("Ny vurdering"), [text], key="review")]


def _complaint(letter: DecisionLetter) -> Section:
    weeks = letter.complaint_weeks
    if letter.complaint_deadline is not None:
        deadline = ngettext(
            "Fristen for å klage er %(weeks)d uke fra du fikk dette brevet, det vil si "
            "senest %(date)s.",
            "Fristen for å klage er %(weeks)d uker fra du fikk dette brevet, det vil si "
            "senest %(date)s.",
            weeks,
        ) % {"weeks": weeks, "date": long_date(letter.complaint_deadline)}
    else:
        deadline = ngettext(
            "Fristen for å klage er %(weeks)d uke fra du fikk dette brevet.",
            "Fristen for å klage er %(weeks)d uker fra du fikk dette brevet.",
            weeks,
        ) % {"weeks": weeks}
    return Section(
        None,
        _("Du kan klage"),
        [
            _(
                "Er du uenig i vedtaket, kan du klage. Skriv hva du er uenig i, og gjerne "
                "hvorfor. Klagen skal være skriftlig. Trenger du hjelp til å skrive den, kan du "
                "kontakte oss."
            ),
            deadline,
            _("Send klagen til: %(to)s") % {"to": letter.complaint_to},
            _(
                "Vi ser først på saken din på nytt. Får du ikke medhold hos oss, sender vi "
                "klagen videre til Statsforvalteren, som avgjør den. Dette står i pasient- og "
                "brukerrettighetsloven § 7-2 og forvaltningsloven § 33."
            ),
        ],
        key="complaint",
    )


def _documents() -> Section:
    return Section(
        None,
        _("Du kan se dokumentene i saken"),
        [
            _(
                "Du har rett til å se dokumentene i saken din, med de unntakene loven gir. "
                "Dette står i forvaltningsloven §§ 18 og 19. Kontakt oss hvis du vil se dem."
            )
        ],
        key="documents",
    )


def decision_sections(letter: DecisionLetter) -> list[Section]:
    """The parts of a decision letter, in the active language (see :func:`decision_paper`)."""
    out = [_applied(letter), _decision(letter)]
    if letter.outcome != AVSLAG:
        out.append(_scope(letter))
    if letter.outcome == DELVIS_INNVILGET:
        out.append(_refused(letter))
    if letter.waiting_list_place is not None:
        out.append(_waiting_list(letter))
    out += [_legal_basis(letter), _facts(letter), _reasons(letter)]
    out += _review(letter)
    out += [_complaint(letter), _documents(), _contact(letter)]
    out += _copy(letter)
    return out


def decision_paper(letter: DecisionLetter) -> Paper:
    """The decision letter as one printable document, in the letter's language."""
    with translation.override(letter.language):
        return _paper(letter, title=_title(letter), sections=decision_sections(letter))


# --- The preliminary reply ---------------------------------------------------------------------


def preliminary_reply_sections(reply: PreliminaryReply) -> list[Section]:
    """The parts of a preliminary reply, in the active language."""
    values = {"service": in_sentence(reply.service_label), "date": long_date(reply.received_on)}
    received = Section(
        None,
        _("Vi har fått søknaden din"),
        [
            _("Vi fikk søknaden din om %(service)s %(date)s.") % values,
            _(
                "Saken tar mer enn en måned. Da skal du få et foreløpig svar som sier hvorfor, "
                "og når du kan vente et vedtak (forvaltningsloven § 11 a)."
            ),
        ],
        key="received",
    )
    delay = Section(
        None,
        _("Hvorfor det tar tid"),
        [
            _("Vi trenger mer tid før vi kan gjøre vedtak. Grunnen er:"),
            *paragraphs_of(reply.reason),
        ],
        key="delay",
    )
    if reply.expected_decision_on is not None:
        when = _(
            "Vi regner med å gjøre vedtak innen %(date)s. Tar det lengre tid, gir vi deg beskjed."
        ) % {"date": long_date(reply.expected_decision_on)}
    else:
        when = _(
            "Vi kan ikke si sikkert ennå når vedtaket kommer. Vi gir deg beskjed så snart vi vet."
        )
    expected = Section(None, _("Når du kan vente svar"), [when], key="expected")
    meanwhile = Section(
        None,
        _("Mens du venter"),
        [_("Gi oss beskjed hvis situasjonen din endrer seg, eller hvis du trenger hjelp nå.")],
        key="meanwhile",
    )
    return [received, delay, expected, meanwhile, _contact(reply), *_copy(reply)]


def preliminary_reply_paper(reply: PreliminaryReply) -> Paper:
    """The preliminary reply as one printable document, in the reply's language."""
    with translation.override(reply.language):
        title = _("Foreløpig svar på søknaden din om %(service)s") % {
            "service": in_sentence(reply.service_label)
        }
        return _paper(reply, title=title, sections=preliminary_reply_sections(reply))


# --- Renderings ----------------------------------------------------------------------------------


def decision_docx(letter: DecisionLetter) -> bytes:
    """The decision letter as DOCX (A4)."""
    with translation.override(letter.language):
        return to_docx(decision_paper(letter))


def preliminary_reply_docx(reply: PreliminaryReply) -> bytes:
    """The preliminary reply as DOCX (A4)."""
    with translation.override(reply.language):
        return to_docx(preliminary_reply_paper(reply))


#: The printable page of a letter: no navigation, A4 print CSS (cases/letter.css).
PRINT_TEMPLATE = "cases/letter_print.html"


def paper_html(paper: Paper) -> str:
    """A printable page of any :class:`Paper`, in the paper's language."""
    with translation.override(paper.language or None):
        return render_to_string(PRINT_TEMPLATE, {"paper": paper})


def decision_html(letter: DecisionLetter) -> str:
    """The decision letter as a printable HTML page."""
    return paper_html(decision_paper(letter))


def preliminary_reply_html(reply: PreliminaryReply) -> str:
    """The preliminary reply as a printable HTML page."""
    return paper_html(preliminary_reply_paper(reply))
