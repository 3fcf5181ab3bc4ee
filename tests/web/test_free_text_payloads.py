"""Every free-text field that is shown back gets script, markup and spreadsheet-formula
payloads, and every page, public page and export that shows it must keep them inert.

The list of fields is made from the models (every ``CharField`` and ``TextField`` without
``choices`` of the apps below), so a new field is in the walk at once. Each field, in every row
of the demo's Fjordvik, gets its own payload: a cell-formula start (``=``, ``+``, ``-``, ``@``,
and tab or carriage return before ``=``), then ``<script>``, an element with an event handler
and quotes, and a marker ``Qx<field>x<row>`` that tells which field a page shows. Then every GET
page of the site is opened (each URL pattern filled with the municipality's objects, the public
pages by their tokens) by a user with every role and a care relation to every person, the
decision bases are frozen and the cases published anew (so the DOCX and the public pages carry
the payloads), and every table of statistics is exported as CSV (web and command).

What must hold (OWASP ASVS 4.0.3 V5.3.1 to V5.3.3, output encoded for where it goes; OWASP
"CSV Injection"):

* HTML: no payload appears unescaped (no ``<script>``, no event handler, no bare quote);
* CSV: a cell that holds a payload does not begin like a formula (it gets a leading ``'``);
* DOCX: each XML part parses, the payload is text in it;
* JSON: the answer parses;
* every field is found on at least one page or export, or is listed with the reason in
  :data:`NOT_FREE_TEXT` (generated or checked codes), :data:`NOT_SHOWN` (no page, letter or
  export reads it) or :data:`NOT_REACHED` (shown, but only for rows in a state the demo has
  none of: a gap of this walk, stated); a new field in none fails the test, and so does a
  listed field that a page shows after all (take it out) or that no longer exists.

* XLSX: every cell holding a payload is a string cell (never a formula) and, when it begins
  like a formula, carries Excel's ``quotePrefix`` style (the writer is tested on its own in
  ``tests/domain/test_spreadsheet.py``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from unittest import mock
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from losen.apps.accounts.models import Membership, Role, User
from losen.apps.persons.models import CareRelation, Person
from losen.domain.spreadsheet import FORMULA_STARTS, is_formula_like
from losen.web.access_rules import ACCESS_RULES, Scope
from tests.web.test_access_matrix import url_patterns

APPS = (
    "priorities",
    "cases",
    "criteria",
    "clinical",
    "insight",
    "persons",
    "knowledge",
    "guidance",
)

#: Fields that hold no text a person types or a file brings: generated, or a code checked
#: against a closed list before it is stored. They get no payload.
NOT_FREE_TEXT: dict[str, str] = {
    "priorities.Consultation.token": "an unguessable token Losen generates",
    "priorities.Publication.token": "an unguessable token Losen generates",
    "knowledge.Example.token": "an unguessable token Losen generates",
    "knowledge.Example.municipality_number": "a municipality number, checked as four digits",
    "priorities.Alternative.nytte_level": "a level code of the criteria catalogue (a select)",
    "priorities.Alternative.nytte_uncertainty": "an uncertainty code (a select)",
    "priorities.Alternative.alvorlighet_level": "a level code of the criteria catalogue",
    "priorities.Alternative.alvorlighet_uncertainty": "an uncertainty code (a select)",
    "priorities.Alternative.ressurs_level": "a level code of the criteria catalogue",
    "priorities.Alternative.ressurs_uncertainty": "an uncertainty code (a select)",
    "cases.ServiceDecision.reference": "the case number Losen gives",
    "cases.Application.reference": "the case number Losen gives",
    "criteria.LevelDescription.scale": "a scale code of the criteria catalogue",
    "clinical.Intervention.code": "the catalogue's code of the intervention",
    "clinical.Assessment.suggested_specialist": "a code the pathway engine sets",
    "clinical.Assessment.table_version": "the version of the pathway table used",
    "clinical.PathwayChoice.specialist": "a code (a select)",
    "clinical.PathwayChoice.deviation_recommendation": "a code the pathway engine sets",
    "clinical.Measurement.instrument_id": "an instrument id from the registry",
    "clinical.Measurement.instrument_version": "an instrument version from the registry",
    "clinical.Measurement.sex": "a code (a select)",
    "clinical.Measurement.band": "a band code of the instrument definition",
    "clinical.SafetyNotice.code": "a code the screening rules set",
    "clinical.SafetyNotice.recommendation": "a code the screening rules set",
    "clinical.SafetyNotice.message": "written by the screening rules, not typed",
    "insight.ImportBatch.actor_label": "the user name of who imported",
    "insight.ImportBatch.sha256": "the file's hash",
    "insight.ImportBatch.format": "the format code the reader found",
    "insight.StoredObservation.key_hash": "a hash Losen computes",
    "insight.StoredObservation.region_code": "checked against the municipality register",
    "insight.StoredObservation.region_vintage": "the register's vintage, set by Losen",
    "insight.StoredObservation.value_text": "a number, checked by the reader",
    "insight.StoredObservation.status": "SSB's status symbol (at most 5 characters)",
    "insight.StoredObservation.dimensions": "JSON Losen writes from the file's dimensions",
    "insight.ComparisonProfile.region_code": "checked against the municipality register",
    "insight.ComparisonProfile.kostra_group": "a KOSTRA group code (checked)",
    "insight.ComparisonProfile.country_code": "a fixed code",
    "insight.IndicatorAttachment.target_type": "the model name of what the figure is on",
    "insight.IndicatorAttachment.target_id": "the id of what the figure is on",
    "persons.Person.national_id": "an identity number (11 digits, checked)",
    "guidance.SelfAssessment.guideline_version": "the version of a validated guideline file",
    "guidance.PointAssessment.recommendation_id": "an id of a validated guideline file",
    "guidance.PointAssessment.point_id": "an id of a validated guideline file",
    "guidance.PointAssessment.strength": "skal, bør or kan, checked when the file is loaded",
    "guidance.ImprovementAction.recommendation_id": "an id chosen from the guideline's list",
    "guidance.ImprovementAction.guideline_id": "a guideline id chosen from the list",
    "guidance.LocalGuideline.guideline_id": "a slug, checked when the local file is loaded",
    "insight.ImportBatch.owner": "which process stages the import, set by Losen",
}

#: Free-text fields that no page, public page or export shows back (the walk checks that this
#: stays true: a field listed here that a page shows fails the test).
NOT_SHOWN: dict[str, str] = {
    "cases.Application.closed_note": "kept with the closed application; no page or letter reads it",
    "insight.ImportBatch.source_option": "steers the import; the page shows the source found",
    "persons.CareRelation.reason": "kept with the relation; pages show the audit entry's reason",
}

#: Free-text fields that pages do show, but only for rows in a state the demo's Fjordvik has
#: none of, so this walk does not reach them (their own page tests do). A field listed here
#: that the walk comes to show fails the test: take it out of the list.
NOT_REACHED: dict[str, str] = {
    "guidance.LocalGuideline.title": "a local file loaded by command; the demo has none",
    "cases.Application.representative_name": "shown when a representative is set; none is",
    "cases.Application.representative_contact": "shown when a representative is set; none is",
    "cases.CaseworkSettings.complaint_to": "copied into a decision when it is drafted",
    "cases.ServiceDecision.like_case_reason": "shown when a decision departs from like cases",
    "clinical.SafetyNotice.acknowledgement": "shown once a notice is acknowledged; none is",
    "criteria.LevelDescription.label": "the demo has no level descriptions of its own",
    "criteria.LevelDescription.description": "the demo has no level descriptions of its own",
    "persons.EmergencyAccessReview.comment": "the demo has no reviewed emergency access",
}

PREFIXES = ("=", "+", "-", "@", "\t=", "\r=")
MARKER = re.compile(r"Qx(\d{3})x")
#: What an unescaped payload would leave in HTML.
RAW = ("<script>", 'onmouseover="', "<b onmouseover")


def free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every CharField and TextField without choices of :data:`APPS`, in a fixed order."""
    found = []
    for label in APPS:
        for model in sorted(apps.get_app_config(label).get_models(), key=lambda m: m.__name__):
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and field.concrete
                ):
                    found.append((model, field))
    return found


def _name(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def payload(index: int, row: int, max_length: int | None) -> str:
    prefix = PREFIXES[index % len(PREFIXES)]
    marker = f"Qx{index:03d}x{row}"
    long = (
        f'{prefix}HYPERLINK("x",1)<script>alert("{marker}")</script>'
        f'<b onmouseover="x">\'{marker}</b>'
    )
    short = f"{prefix}<script>{marker}</script>"
    for text in (long, short):
        if max_length is None or len(text) <= max_length:
            return text
    raise AssertionError(f"no payload fits {max_length} characters")


def test_every_listed_field_exists_and_is_text():
    names = {_name(m, f) for m, f in free_text_fields()}
    listed = [set(NOT_FREE_TEXT), set(NOT_SHOWN), set(NOT_REACHED)]
    stale = sorted(set.union(*listed) - names)
    assert not stale, f"listed, but no longer a free-text field: {stale}"
    assert sum(map(len, listed)) == len(set.union(*listed)), "a field is in two lists"


def test_every_payload_fits_its_field_and_begins_like_a_formula():
    for index, (model, field) in enumerate(free_text_fields()):
        if _name(model, field) in NOT_FREE_TEXT:
            continue
        text = payload(index, 99999, field.max_length)
        assert text.startswith(FORMULA_STARTS) and is_formula_like(text)
        assert "<script>" in text and MARKER.search(text)


# --- The walk ---------------------------------------------------------------------------------


def _inject(fjordvik, findings) -> dict[int, str]:
    """Put a payload in every free-text field of every row of Fjordvik; return index → name."""
    fields: dict[int, str] = {}
    by_model: dict[type, list[tuple[int, models.Field]]] = defaultdict(list)
    for index, (model, field) in enumerate(free_text_fields()):
        name = _name(model, field)
        if name in NOT_FREE_TEXT:
            continue
        fields[index] = name
        by_model[model].append((index, field))
    for model, chosen in by_model.items():
        rows = model.objects.all()
        if "municipality" in {f.name for f in model._meta.get_fields()}:
            rows = rows.filter(municipality=fjordvik)
        unique = _unique_fields(model)
        for pk in rows.values_list("pk", flat=True):
            # The row's number only where the value must be unique (one payload per field
            # otherwise: a table name in every row is one table, not thousands).
            values = {
                f.attname: payload(i, pk if f.name in unique else 0, f.max_length)
                for i, f in chosen
            }
            with transaction.atomic():
                model.objects.filter(pk=pk).update(**values)
            findings.rows += 1
            findings.payloads += len(values)
    return fields


def _unique_fields(model) -> set[str]:
    """The fields of *model* whose value takes part in a uniqueness rule."""
    names = {f.name for f in model._meta.get_fields() if getattr(f, "unique", False)}
    for together in model._meta.unique_together:
        names.update(together)
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def _rows(name: str, fjordvik) -> int:
    model = apps.get_model(name.rsplit(".", 1)[0])
    rows = model.objects.all()
    if "municipality" in {f.name for f in model._meta.get_fields()}:
        rows = rows.filter(municipality=fjordvik)
    return rows.count()


def _everyone(fjordvik) -> User:
    user = User.objects.create_user("alle-roller", is_synthetic=True)
    for role in Role.values:
        Membership.objects.create(user=user, municipality=fjordvik, role=role)
    for person in Person.objects.filter(municipality=fjordvik):
        CareRelation.objects.create(person=person, user=user, reason="Alle")
    return user


def _refreeze(user, fjordvik) -> None:
    """Decision bases and publications are snapshots: make new ones that carry the payloads."""
    from losen.apps.priorities import services
    from losen.apps.priorities.models import Detail, PrioritizationCase

    for case in PrioritizationCase.objects.filter(municipality=fjordvik):
        if case.bases.exists():
            services.create_basis(actor=user, case=case, detail=Detail.FULL)
        if case.publications.exists() and hasattr(case, "decision"):
            # The personal-data check reads "@" before a word as an e-mail address; it is not
            # what this test is about (tests/apps/priorities test it).
            with mock.patch("losen.apps.priorities.public.find_personal_data", return_value=[]):
                services.publish(actor=user, case=case)


#: How many of the municipality's objects fill each URL pattern.
OBJECTS_PER_PAGE = 3

SKIP = {
    "accounts:logout",
    "accounts:login",
    "accounts:choose_municipality",
    "set_language",
    "healthz",
    "oidc_authentication_callback",
    "oidc_authentication_init",
    "oidc_logout",
}


def _spread(model, rows) -> list:
    """Up to :data:`OBJECTS_PER_PAGE` objects, then one for each kind of related row (a
    decision with a complaint, one with a status change, …), so pages show what hangs on them."""
    chosen = {o.pk: o for o in rows.order_by("pk")[:OBJECTS_PER_PAGE]}
    for relation in model._meta.get_fields():
        if (
            relation.auto_created
            and not relation.concrete
            and (relation.one_to_many or relation.one_to_one)
        ):
            found = rows.filter(**{f"{relation.name}__isnull": False}).order_by("pk").first()
            if found is not None:
                chosen.setdefault(found.pk, found)
    return list(chosen.values())


def _urls(fjordvik) -> list[tuple[str, str, bool]]:
    """(url name, url, public) for every GET page, filled with Fjordvik's objects."""
    from losen.apps.insight.models import StoredObservation

    out = []
    for pattern in url_patterns():
        rule = ACCESS_RULES.get(pattern.name)
        if pattern.name in SKIP or rule is None or rule.get is None:
            continue
        public = rule.is_public
        if not pattern.kwargs:
            out.append((pattern.name, reverse(pattern.name), public))
            continue
        (kwarg,) = pattern.kwargs
        model = apps.get_model(rule.model)
        if rule.scope is Scope.PUBLIC:
            if kwarg == "number":
                values = [fjordvik.number]
            else:
                rows = model.objects.filter(case__municipality=fjordvik)
                if hasattr(model, "unpublished_at"):
                    rows = rows.filter(unpublished_at__isnull=True)
                values = [getattr(o, kwarg) for o in rows]
        else:
            if model is User:
                rows = User.objects.filter(memberships__municipality=fjordvik).distinct()
            else:
                rows = model.objects.filter(municipality=fjordvik)
            values = [str(o.external_id) for o in _spread(model, rows)]
        out.extend(
            (pattern.name, reverse(pattern.name, kwargs={kwarg: value}), public) for value in values
        )
    tables = (
        StoredObservation.objects.filter(municipality=fjordvik)
        .values_list("table", flat=True)
        .distinct()
    )
    for table in tables:
        for fmt in ("csv", "json"):
            query = "?" + urlencode({"tabell": table, "format": fmt})
            out.append(("insight:export", reverse("insight:export") + query, False))
    return out


class Findings:
    def __init__(self) -> None:
        self.shown: dict[int, set[str]] = defaultdict(set)
        self.problems: list[str] = []
        self.pages = 0
        self.rows = 0
        self.payloads = 0
        self.kinds: dict[str, int] = defaultdict(int)

    def saw(self, where: str, text: str) -> None:
        for index in MARKER.findall(text):
            self.shown[int(index)].add(where)

    def html(self, where: str, text: str) -> None:
        self.kinds["HTML"] += 1
        self.saw(where, text)
        for raw in RAW:
            for found in re.finditer(re.escape(raw), text):
                context = text[found.start() : found.start() + 80]
                if MARKER.search(context) or "alert(" in context:
                    self.problems.append(f"{where}: unescaped payload: {context!r}")

    def csv(self, where: str, text: str) -> None:
        self.kinds["CSV"] += 1
        self.saw(where, text)
        sample = text.lstrip("\ufeff")
        delimiter = ";" if sample.split("\n", 1)[0].count(";") else ","
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            for cell in row:
                if MARKER.search(cell) and is_formula_like(cell):
                    self.problems.append(f"{where}: a CSV cell begins like a formula: {cell!r}")

    def docx(self, where: str, data: bytes) -> None:
        self.kinds["DOCX"] += 1
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not name.endswith(".xml"):
                    continue
                try:
                    root = ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own export
                except ElementTree.ParseError as error:
                    self.problems.append(f"{where}: {name} is not XML ({error})")
                    continue
                # A payload's markup would be an element outside every namespace (Word's own
                # are all namespaced, w:b included) or an event-handler attribute.
                for element in root.iter():
                    if not element.tag.startswith("{") or any(
                        key.endswith("onmouseover") for key in element.attrib
                    ):
                        self.problems.append(f"{where}: {name} has markup: {element.tag}")
                self.saw(where, "".join(root.itertext()))

    def xlsx(self, where: str, data: bytes) -> None:
        from openpyxl import load_workbook

        self.kinds["XLSX"] += 1
        book = load_workbook(io.BytesIO(data), read_only=False)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if not isinstance(cell.value, str) or not MARKER.search(cell.value):
                        continue
                    self.saw(where, cell.value)
                    if cell.data_type != "s":
                        self.problems.append(
                            f"{where}: XLSX cell {sheet.title}!{cell.coordinate} is a formula"
                        )
                    elif is_formula_like(cell.value) and not cell.quotePrefix:
                        self.problems.append(
                            f"{where}: XLSX cell {sheet.title}!{cell.coordinate} begins like a "
                            "formula without quotePrefix"
                        )

    def json(self, where: str, text: str) -> None:
        self.kinds["JSON"] += 1
        try:
            json.loads(text)
        except ValueError as error:
            self.problems.append(f"{where}: not JSON ({error})")
        self.saw(where, text)


def _read(findings: Findings, where: str, response) -> None:
    if response.status_code in (301, 302, 404):
        return
    # A FHIR search without its required parameter answers 400 with an OperationOutcome.
    fhir_refusal = response.status_code == 400 and "fhir+json" in response.get("Content-Type", "")
    assert response.status_code == 200 or fhir_refusal, (where, response.status_code)
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    findings.pages += 1
    kind = response.get("Content-Type", "")
    if "wordprocessingml" in kind:
        findings.docx(where, body)
    elif "spreadsheetml" in kind:
        findings.xlsx(where, body)
    elif "csv" in kind:
        findings.csv(where, body.decode("utf-8"))
    elif "json" in kind:
        findings.json(where, body.decode("utf-8"))
    else:
        findings.html(where, body.decode("utf-8"))


def _command_exports(findings: Findings, fjordvik) -> None:
    from losen.apps.insight.models import StoredObservation
    from losen.cli import main

    tables = (
        StoredObservation.objects.filter(municipality=fjordvik)
        .values_list("table", flat=True)
        .distinct()
    )
    for table in tables:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["indicators", "export", "--table", table, "--format", "csv",
                 "--municipality", fjordvik.number]
            )  # fmt: skip
        assert code == 0, err.getvalue()
        findings.kinds["command CSV"] += 1
        findings.csv(f"losen indicators export --table {table}", out.getvalue())


@pytest.mark.slow
def test_payloads_in_every_free_text_field_stay_inert_everywhere_they_are_shown(demo):
    fjordvik = demo["fjordvik"]
    user = _everyone(fjordvik)
    findings = Findings()
    fields = _inject(fjordvik, findings)
    _refreeze(user, fjordvik)

    internal, anonymous = Client(), Client()
    internal.force_login(user)
    for name, url, public in _urls(fjordvik):
        client = anonymous if public else internal
        _read(findings, f"{name} {url}", client.get(url))
    _command_exports(findings, fjordvik)

    assert not findings.problems, "\n".join(findings.problems[:40])
    shown = {fields[i] for i in findings.shown if i in fields}
    listed_but_shown = sorted((set(NOT_SHOWN) | set(NOT_REACHED)) & shown)
    where_shown = {fields[i]: sorted(findings.shown[i])[:3] for i in findings.shown if i in fields}
    assert not listed_but_shown, (
        f"listed as not shown or not reached, but shown: {listed_but_shown} "
        f"(on {[where_shown[name] for name in listed_but_shown]}); take them out"
    )
    unseen = sorted(set(fields.values()) - shown - set(NOT_SHOWN) - set(NOT_REACHED))
    counts = {name: _rows(name, fjordvik) for name in unseen}
    assert not unseen, (
        f"free-text fields no page or export showed (rows in Fjordvik): {counts}. Show them "
        "where the walk reaches, or list them in NOT_SHOWN, NOT_REACHED or NOT_FREE_TEXT"
    )
    print(
        f"\n{len(fields)} fields with payloads, {len(shown)} shown; "
        f"{findings.payloads} payloads in {findings.rows} rows; "
        f"{findings.pages} answers read: {dict(findings.kinds)}"
    )
