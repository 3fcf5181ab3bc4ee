"""The one combined-assessment form: built from the catalogue, filled from a stored
assessment, checked by the domain, and rendered with a label for every input.

The criteria nytte, ressurs and alvorlighet are assessed together at every level
(Helsedirektoratet, «Prioriteringer i kommunale helse- og omsorgstjenester»,
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester);
the domain (losen.domain.criteria.parse_combined) decides what is valid and the form shows
each of its problems at the field it concerns.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.criteria.forms import (
    CombinedAssessmentForm,
    criterion_field,
    field_for_problem,
    part_field,
)
from losen.domain.criteria import (
    CombinedAssessment,
    CriterionAssessment,
    CriterionKind,
    SubAssessment,
    combine,
    default_catalogue,
)
from losen.domain.criteria.model import suggested_level
from losen.domain.criteria.storage import to_data
from losen.domain.errors import Problem

CATALOGUE = default_catalogue()
UNCERTAINTY = CATALOGUE.scale("usikkerhet").labels
PREFIX = "vurdering"


# --- reading the rendered form back as a browser would send it ---------------------------


class _Inputs(HTMLParser):
    """Every form control of a page: what a browser would post, and its label links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.posted: dict[str, str] = {}
        self.controls: list[dict] = []  # {"tag", "name", "id", "type", "describedby"}
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(
                {
                    "tag": tag,
                    "name": a.get("name"),
                    "id": a.get("id"),
                    "type": a.get("type"),
                    "describedby": a.get("aria-describedby", ""),
                }
            )
        if tag == "input":
            if a.get("type") == "radio":
                if "checked" in a:
                    self.posted[a["name"]] = a.get("value", "")
            else:
                self.posted[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.posted.setdefault(a["name"], "")
        elif tag == "option" and self._select is not None and "selected" in a:
            self.posted[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._text = []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea>; Django writes one.
            self.posted[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def _render(form) -> str:
    return render_to_string("criteria/_combined_assessment.html", {"groups": form.groups()})


def _parsed(form) -> _Inputs:
    parser = _Inputs()
    parser.feed(_render(form))
    return parser


def _posted(form) -> dict[str, str]:
    return _parsed(form).posted


def _form(data=None, stored=None, catalogue=CATALOGUE, prefix=PREFIX):
    return CombinedAssessmentForm(data, catalogue=catalogue, stored=stored, prefix=prefix)


def _key(name: str) -> str:
    return f"{PREFIX}-{name}"


# --- valid assessments generated from the catalogue ---------------------------------------

TEXT = (
    st.text(
        alphabet=st.sampled_from("abcæøå ABCÆØÅ0123456789.,:;-«»\n\"'<>&"), min_size=1, max_size=30
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def criterion_assessments(draw, kind: CriterionKind):
    """A criterion as the form can hold it: the criterion's own parts, each with its reasoning
    and the criterion's uncertainty; a level that follows the parts or one with a reason."""
    definition = CATALOGUE.criterion(kind)
    scale = CATALOGUE.scale(definition.scale)
    uncertainty = draw(st.sampled_from(UNCERTAINTY))
    chosen = draw(st.lists(st.sampled_from(definition.deriving_parts), unique_by=lambda p: p.id))
    parts = tuple(
        SubAssessment(
            part.id,
            draw(st.sampled_from(CATALOGUE.scale(part.scale).labels)),
            draw(TEXT),
            uncertainty,
        )
        for part in chosen
    )
    suggestion = suggested_level(CATALOGUE, kind, parts)
    level = draw(st.sampled_from(scale.labels))
    if suggestion is not None and draw(st.booleans()):
        level = suggestion.label
    needs_reason = suggestion is not None and level != suggestion.label
    reason = draw(TEXT) if needs_reason else draw(st.one_of(st.just(""), TEXT))
    return CriterionAssessment(kind, level, draw(TEXT), uncertainty, parts, reason)


@st.composite
def combined_assessments(draw) -> CombinedAssessment:
    return combine(
        draw(criterion_assessments(CriterionKind.NYTTE)),
        draw(criterion_assessments(CriterionKind.RESSURS)),
        draw(criterion_assessments(CriterionKind.ALVORLIGHET)),
        draw(TEXT),
        CATALOGUE,
    )


EXAMPLE = combine(
    CriterionAssessment(
        CriterionKind.NYTTE,
        "stor",
        "Færre innleggelser.",
        "moderat",
        (
            SubAssessment("overlevelse", "stor", "Færre selvmordsforsøk.", "moderat"),
            SubAssessment("smerte_ubehag", "liten", "Litt mindre uro.", "moderat"),
        ),
    ),
    CriterionAssessment(
        CriterionKind.RESSURS,
        "høy",
        "Tre nye årsverk.",
        "lav",
        (SubAssessment("ressurs_nytte", "moderat", "Innenfor rammen.", "lav"),),
        "Kostnaden kommer i tillegg til driften.",
    ),
    CriterionAssessment(CriterionKind.ALVORLIGHET, "svært stor", "Fare for tidlig død.", "lav"),
    "Tiltaket bør prioriteres.",
    CATALOGUE,
)


# --- round trip ---------------------------------------------------------------------------


def test_a_stored_assessment_comes_back_unchanged_through_the_page():
    stored = to_data(EXAMPLE, CATALOGUE)
    posted = _posted(_form(stored=stored))
    assert posted[_key("nytte_level")] == ""  # «Følg delene»: the parts give «stor»
    assert posted[_key("ressurs_level")] == "høy"
    form = _form(posted, stored=stored)
    assert form.is_valid(), form.errors
    assert form.assessment == EXAMPLE
    assert form.data_for_storage() == stored
    assert form.assessment.flags == EXAMPLE.flags


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(combined_assessments())
def test_every_valid_assessment_round_trips_through_the_rendered_form(assessment):
    stored = to_data(assessment, CATALOGUE)
    form = _form(_posted(_form(stored=stored)), stored=stored)
    assert form.is_valid(), form.errors
    assert form.assessment == assessment
    assert form.data_for_storage() == stored


def test_parts_the_form_does_not_show_are_kept_as_stored():
    stored = to_data(EXAMPLE, CATALOGUE)
    stored["ressurs"]["parts"].append(
        {
            "part": "aarsverk",
            "level": "moderat",
            "reasoning": "To sykepleiere.",
            "uncertainty": "lav",
            "amount": 2.0,
            "breakdown": {"sykepleier": 2.0},
        }
    )
    form = _form(_posted(_form(stored=stored)), stored=stored)
    assert form.is_valid(), form.errors
    assert form.data_for_storage()["ressurs"]["parts"] == stored["ressurs"]["parts"]


def test_without_a_prefix_the_names_are_the_leaders_names():
    form = CombinedAssessmentForm(catalogue=CATALOGUE)
    names = set(form.fields)
    for kind in ("nytte", "ressurs", "alvorlighet"):
        assert {criterion_field(kind, w) for w in ("level", "level_reason", "reasoning")} <= names
    assert "part_nytte_overlevelse_level" in names
    assert "part_alvorlighet_hastegrad_reasoning" in names
    html = _render(form)
    assert 'name="nytte_level"' in html and 'id="id_part_nytte_overlevelse_level"' in html


def test_two_forms_with_their_own_prefix_keep_apart():
    first = to_data(EXAMPLE, CATALOGUE)
    data = {**_posted(_form(stored=first, prefix="a")), **_posted(_form(prefix="b"))}
    one = _form(data, stored=first, prefix="a")
    other = _form(data, prefix="b")
    assert one.is_valid() and one.assessment == EXAMPLE
    assert not other.is_valid() and "nytte_reasoning" in other.errors


# --- the domain decides; every problem lands on a field -----------------------------------


def _filled(**changes) -> dict[str, str]:
    data = _posted(_form(stored=to_data(EXAMPLE, CATALOGUE)))
    data.update({_key(k): v for k, v in changes.items()})
    return data


def test_an_empty_form_shows_every_missing_piece_at_its_field():
    form = _form({})
    assert not form.is_valid()
    assert form.assessment is None
    for kind in ("nytte", "ressurs", "alvorlighet"):
        assert form.errors[f"{kind}_level"] == [
            f"Vurder minst én av delene, eller velg nivået for {kind} selv."
        ]
        assert form.errors[f"{kind}_reasoning"] == [f"Skriv begrunnelsen for {kind}."]
        assert form.errors[f"{kind}_uncertainty"] == ["Velg hvor usikker vurderingen er."]
    assert form.errors["reasoning"] == ["Skriv den samlede begrunnelsen for vurderingen."]
    assert "__all__" not in form.errors
    with pytest.raises(ValueError):
        form.data_for_storage()


def test_a_part_level_without_reasoning_is_refused():
    form = _form(_filled(part_nytte_mestring_funksjon_level="moderat"))
    assert not form.is_valid()
    assert form.errors == {
        "part_nytte_mestring_funksjon_reasoning": ["Skriv hvorfor delen får nivået «moderat»."]
    }


def test_a_part_reasoning_without_a_level_is_refused():
    form = _form(_filled(part_nytte_mestring_funksjon_reasoning="Bedre søvn."))
    assert not form.is_valid()
    assert form.errors == {
        "part_nytte_mestring_funksjon_level": [
            "Velg et nivå for delen, eller ta bort begrunnelsen."
        ]
    }


def test_a_chosen_level_that_differs_from_the_parts_needs_a_reason():
    form = _form(_filled(nytte_level="liten"))
    assert not form.is_valid()
    assert form.errors == {
        "nytte_level_reason": [
            "Delene gir «stor», men du har valgt «liten». Skriv hvorfor, eller velg «Følg delene»."
        ]
    }
    given = _form(_filled(nytte_level="liten", nytte_level_reason="Effekten er kortvarig."))
    assert given.is_valid(), given.errors
    assert given.assessment.nytte.level == "liten"
    assert given.assessment.nytte.level_reason == "Effekten er kortvarig."


def test_following_the_parts_gives_their_highest_level():
    form = _form(
        _filled(
            part_nytte_mestring_funksjon_level="svært stor",
            part_nytte_mestring_funksjon_reasoning="Klarer seg hjemme.",
        )
    )
    assert form.is_valid(), form.errors
    assert form.assessment.nytte.level == "svært stor"
    assert form.data_for_storage()["nytte"]["level"] == "svært stor"


def test_a_level_not_on_the_scale_is_refused_by_the_field():
    form = _form(_filled(ressurs_level="enorm", part_alvorlighet_risiko_level="kritisk"))
    assert not form.is_valid()
    assert set(form.errors) == {"ressurs_level", "part_alvorlighet_risiko_level"}
    assert all(len(errors) == 1 for errors in form.errors.values())


def _problem_paths(data) -> list[str]:
    from losen.domain.criteria import parse_combined
    from losen.domain.errors import InputError

    try:
        parse_combined(data, CATALOGUE)
    except InputError as error:
        return [p.path for p in error.problems]
    return []


FIELD_VALUES = {
    **{
        criterion_field(kind, "level"): st.sampled_from(["", *CATALOGUE.scale(kind).labels])
        for kind in ("nytte", "ressurs", "alvorlighet")
    },
    **{
        criterion_field(kind, "uncertainty"): st.sampled_from(["", *UNCERTAINTY])
        for kind in ("nytte", "ressurs", "alvorlighet")
    },
    **{
        criterion_field(kind, what): st.sampled_from(["", " ", "Fordi."])
        for kind in ("nytte", "ressurs", "alvorlighet")
        for what in ("reasoning", "level_reason")
    },
    **{
        part_field(d.kind.value, part.id, "level"): st.sampled_from(
            ["", *CATALOGUE.scale(part.scale).labels]
        )
        for d in CATALOGUE.criteria
        for part in d.deriving_parts
    },
    **{
        part_field(d.kind.value, part.id, "reasoning"): st.sampled_from(["", "  ", "Slik."])
        for d in CATALOGUE.criteria
        for part in d.deriving_parts
    },
    "reasoning": st.sampled_from(["", "Samlet."]),
}


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({}, optional=FIELD_VALUES))
def test_every_domain_problem_lands_on_a_field_with_a_message(values):
    form = _form({_key(k): v for k, v in values.items()})
    valid = form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items()}
    data = form.criteria_data(cleaned)
    data["reasoning"] = (cleaned.get("reasoning") or "").strip()
    paths = _problem_paths(data)
    assert valid == (not paths and not form.errors)
    assert "__all__" not in form.errors
    for path in paths:
        name, message = field_for_problem(CATALOGUE, Problem(path, "x"), data)
        assert name is not None and name in form.fields, path
        assert form.errors.get(name), (path, form.errors)
        assert message and "(" not in message  # Norwegian sentences, not the domain's text


def test_a_problem_no_field_shows_goes_to_the_form_with_a_norwegian_message():
    stored = to_data(EXAMPLE, CATALOGUE)
    stored["ressurs"]["parts"].append(
        {"part": "aarsverk", "level": "moderat", "reasoning": "", "uncertainty": "lav"}
    )
    form = _form(_posted(_form(stored=stored)), stored=stored)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Den lagrede vurderingen av en del av ressurs er ugyldig."]


# --- rendering ----------------------------------------------------------------------------


def test_every_input_has_a_label_and_errors_are_described():
    form = _form({})
    assert not form.is_valid()
    html = _render(form)
    parsed = _parsed(form)
    assert len(parsed.controls) > 30
    radios_in_groups = 0
    for control in parsed.controls:
        assert control["id"] and control["id"] in parsed.label_for, control
        if control["type"] == "radio":
            radios_in_groups += 1
    assert radios_in_groups > 0
    # A field with an error points at its message; a radio group's fieldset does.
    reasoning = next(c for c in parsed.controls if c["name"] == _key("nytte_reasoning"))
    assert f"id_{PREFIX}-nytte_reasoning_feil" in reasoning["describedby"].split()
    assert f'id="id_{PREFIX}-nytte_reasoning_feil"' in html
    assert f'aria-describedby="id_{PREFIX}-nytte_level_feil"' in html
    for describedby in (c["describedby"] for c in parsed.controls):
        for target in describedby.split():
            assert target in parsed.ids, target


def test_each_criterion_is_a_fieldset_with_its_rule_and_parts():
    html = _render(_form())
    for definition in CATALOGUE.criteria:
        assert f"<legend>{definition.name}</legend>" in html
        assert definition.rule.replace("'", "&#x27;").replace('"', "&quot;") in html
        for part in definition.deriving_parts:
            assert f'for="id_{PREFIX}-part_{definition.kind.value}_{part.id}_level"' in html
            assert f'for="id_{PREFIX}-part_{definition.kind.value}_{part.id}_reasoning"' in html
    assert html.count("<fieldset") >= 4


def test_the_municipalitys_own_descriptions_are_shown():
    own = "Over 5 millioner kroner per år hos oss."
    catalogue = CATALOGUE.with_descriptions({"ressurs": {"svært høy": own}})
    html = _render(_form(catalogue=catalogue))
    assert f"Svært høy: {own}" in html


@pytest.mark.django_db
def test_the_catalogue_for_a_municipality_carries_its_descriptions():
    from losen.apps.accounts.models import Municipality
    from losen.apps.criteria.models import LevelDescription
    from losen.apps.criteria.selectors import catalogue_for

    municipality = Municipality.objects.create(number="4697", name="Prøvevik")
    own = "Akutt: samme dag i Prøvevik."
    LevelDescription.objects.create(
        municipality=municipality, scale="hastegrad", label="akutt", description=own
    )
    form = _form(catalogue=catalogue_for(municipality))
    html = _render(form)
    assert f"Akutt: {own}" in html
    stored = to_data(EXAMPLE, form.catalogue)
    again = _form(
        _posted(_form(stored=stored, catalogue=form.catalogue)),
        stored=stored,
        catalogue=form.catalogue,
    )
    assert again.is_valid() and again.assessment == EXAMPLE
