"""What a decision (vedtak) must contain before it is issued.

:func:`missing_parts` reads a draft decision as a plain mapping and returns *every* missing part
at once, as :class:`~losen.domain.explain.Fact` values with the stable codes below (no params).
A part is present when its value is a non-blank string, a non-empty mapping or list, a number,
a date, or ``True``; ``None``, ``""``, ``False``, ``{}`` and ``[]`` are missing.

Sources: forvaltningsloven (fvl) §§ 23–27, https://lovdata.no/lov/1967-02-10; pasient- og
brukerrettighetsloven (pbrl) § 7-2, https://lovdata.no/lov/1999-07-02-63; Helsedirektoratet,
IS-2442 «Veileder for saksbehandling – tjenester etter helse- og omsorgstjenesteloven §§ 3-2
første ledd nr. 6, 3-6 og 3-8» (2016), on what a decision on health and care services should
state (service, scope, period, contact person).

=========================================  ===========================  =====================
Draft key → code ``vedtak.missing.<part>``  Required for                 Basis
=========================================  ===========================  =====================
``outcome``                                 every draft                  fvl § 23, § 27
``service``                                 every draft                  fvl § 27; IS-2442
``scope`` (what is granted, e.g. hours)     innvilget, delvis_innvilget  IS-2442
``period`` or ``reevaluation_date``         innvilget, delvis_innvilget  IS-2442
  → code ``vedtak.missing.period``
``refused_part`` (what is not granted)      delvis_innvilget             fvl § 24, § 25
``refusal_reasons`` (why the rest is not)   delvis_innvilget             fvl § 24, § 25
``legal_basis`` (the rules applied)         every outcome                fvl § 25 first para.
``facts`` (the facts relied on)             every outcome                fvl § 25 second para.
``main_considerations``                     avslag, delvis_innvilget;    fvl § 25 third para.
                                            innvilget unless
                                            ``reasons_for_full_grant``
                                            is False
``complaint_right``                         every draft                  fvl § 27 third para.
``complaint_deadline``                      every draft                  fvl § 27; pbrl § 7-2
``complaint_instance`` (where to send;      every draft                  fvl § 27, § 32, § 33
  the municipality reviews first)
``complaint_procedure``                     every draft                  fvl § 27 third para.
``access_to_documents``                     every draft                  fvl § 27, §§ 18–19
``contact_person``                          every draft                  IS-2442
``departure_reason``                        when ``departs_from_practice``  like cases alike
                                            is True                      (unwritten principle
                                                                         against unfair
                                                                         discrimination;
                                                                         fvl § 25 third para.)
=========================================  ===========================  =====================

A refusal (``avslag``) needs no scope or period, but it needs its reasons (legal basis, facts,
main considerations). A partial grant (``delvis_innvilget``) needs both: what is granted
(scope, period) and what is refused with why. fvl § 24 second paragraph lets the reasons be
left out when an application is granted in full and nobody is expected to be dissatisfied;
Losen asks for them anyway by default (``reasons_for_full_grant=True``), because the scope of
a service is a discretionary judgement and the next like case is compared with it.

A draft without an outcome gets ``vedtak.missing.outcome`` and the rules every outcome shares.
An outcome that is not one of :data:`OUTCOMES` is an :class:`~losen.domain.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from numbers import Number

from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact

OUTCOMES = ("innvilget", "delvis_innvilget", "avslag")
"""The outcomes of a decision on a service."""

PARTS = (
    "outcome",
    "service",
    "scope",
    "period",
    "refused_part",
    "refusal_reasons",
    "legal_basis",
    "facts",
    "main_considerations",
    "complaint_right",
    "complaint_deadline",
    "complaint_instance",
    "complaint_procedure",
    "access_to_documents",
    "contact_person",
    "departure_reason",
)
"""Every part :func:`missing_parts` can report, in the order it reports them."""

MISSING_CODES = tuple(f"vedtak.missing.{part}" for part in PARTS)
"""The fact codes of :func:`missing_parts`."""

_ALWAYS = (
    "legal_basis",
    "facts",
    "complaint_right",
    "complaint_deadline",
    "complaint_instance",
    "complaint_procedure",
    "access_to_documents",
    "contact_person",
)


def present(value: object) -> bool:
    """Whether ``value`` counts as filled in (see the module docstring)."""
    if value is None or value is False:
        return False
    if value is True or isinstance(value, date):
        return True
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Number):
        return True
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return len(value) > 0
    return True


def required_parts(
    outcome: str | None, *, departs: bool = False, reasons_for_full_grant: bool = True
) -> tuple[str, ...]:
    """The parts a draft with ``outcome`` needs, in :data:`PARTS` order."""
    need = {"outcome", "service", *_ALWAYS}
    if outcome in ("innvilget", "delvis_innvilget"):
        need |= {"scope", "period"}
    if outcome == "delvis_innvilget":
        need |= {"refused_part", "refusal_reasons"}
    if outcome in ("avslag", "delvis_innvilget") or (
        outcome == "innvilget" and reasons_for_full_grant
    ):
        need.add("main_considerations")
    if departs:
        need.add("departure_reason")
    return tuple(part for part in PARTS if part in need)


def missing_parts(draft: object, *, reasons_for_full_grant: bool = True) -> tuple[Fact, ...]:
    """Every part the draft decision lacks, as ``vedtak.missing.<part>`` facts.

    Args:
        draft: ``{"outcome", "service", "scope", "period", "reevaluation_date",
            "refused_part", "refusal_reasons", "legal_basis", "facts",
            "main_considerations", "complaint_right", "complaint_deadline",
            "complaint_instance", "complaint_procedure", "access_to_documents",
            "contact_person", "departs_from_practice", "departure_reason"}``; other keys are
            ignored.
        reasons_for_full_grant: Ask for the main considerations of a full grant too.

    Returns:
        The missing parts in :data:`PARTS` order; empty when the draft can be issued.

    Raises:
        InputError: when ``draft`` is not a mapping or ``outcome`` is not one of
            :data:`OUTCOMES`.
    """
    if not isinstance(draft, Mapping):
        raise InputError([Problem("", "not an object (må være et objekt)")])
    outcome = draft.get("outcome")
    if present(outcome) and outcome not in OUTCOMES:
        raise InputError([Problem("outcome", f"not one of {', '.join(OUTCOMES)} (ukjent utfall)")])
    departs = draft.get("departs_from_practice") is True
    missing = []
    for part in required_parts(
        outcome if present(outcome) else None,
        departs=departs,
        reasons_for_full_grant=reasons_for_full_grant,
    ):
        if part == "period":
            filled = present(draft.get("period")) or present(draft.get("reevaluation_date"))
        else:
            filled = present(draft.get(part))
        if not filled:
            missing.append(Fact(f"vedtak.missing.{part}"))
    return tuple(missing)


def can_be_issued(draft: object, *, reasons_for_full_grant: bool = True) -> bool:
    """Whether :func:`missing_parts` finds nothing."""
    return not missing_parts(draft, reasons_for_full_grant=reasons_for_full_grant)
