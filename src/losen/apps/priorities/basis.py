"""The decision basis (beslutningsgrunnlag): a frozen snapshot and its two renderings.

The section list follows the guideline's suggested content of a decision basis (recommendation
L1 to the leadership, on the combined assessment of nytte, ressurs and alvorlighet:
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester).
The printable page and the DOCX for the political case system are rendered from the same
:func:`sections`, so they cannot drift.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.apps.common.documents import Paper, Section, Table, to_docx
from losen.apps.criteria import wording
from losen.apps.insight.services import attached_figures
from losen.apps.knowledge import basis as knowledge_basis
from losen.domain.explain import Fact
from losen.domain.mcda.explain import weight_interval

from .models import (
    Children,
    Detail,
    Direction,
    Level,
    PlanProcess,
    PrioritizationCase,
    Theme,
)
from .overview import CaseOverview

SECTION_TITLES = [
    gettext_lazy("Prioriteringssituasjonen og retningen"),
    gettext_lazy("Juridisk, økonomisk og faglig ramme"),
    gettext_lazy("Tiltakene og sammenligningsalternativet"),
    gettext_lazy("Vurdering av nytte"),
    gettext_lazy("Vurdering av alvorlighet"),
    gettext_lazy("Vurdering av ressurser"),
    gettext_lazy("Forholdsmessighet og samlet vurdering"),
    gettext_lazy("Barn og barnets beste"),
    gettext_lazy("Lik tilgang og evne til å ha nytte, etter gruppe"),
    gettext_lazy("Lokale forhold"),
    gettext_lazy("Etisk refleksjon"),
    gettext_lazy("Kunnskapsgrunnlag og usikkerhet"),
    gettext_lazy("Medvirkning"),
    gettext_lazy("Sammenheng med lokale vedtak og mål"),
    gettext_lazy("Styringsinformasjon"),
    gettext_lazy("Konklusjon og begrunnelse"),
    gettext_lazy("Plan for oppfølging"),
]


def _attached_indicators(case: PrioritizationCase) -> list[dict]:
    """The figures attached from the indicators module, as frozen in the basis and published.

    The keys (name, source, period, value, status) are those earlier snapshots also carry;
    ``attribution`` is the credit owed to SSB/FHI (CC BY 4.0) and goes wherever they are shown.
    """
    figures = attached_figures(case.municipality, case)
    out = []
    for row in figures["rows"]:
        s = row["snapshot"]
        status = s.get("status") or ""
        shown = f"{row['value']} {s.get('unit', '')}".strip()
        value = shown if row["value"] else status or ".."
        out.append(
            {
                "name": s.get("label", ""),
                "source": _("%(source)s, tabell %(table)s")
                % {"source": s.get("source", ""), "table": s.get("table", "")},
                "period": s.get("period", ""),
                "value": value,
                "status": f"{status} {s.get('status_meaning', '')}".strip(),
                "note": row["attachment"].note,
                "attribution": list(s.get("attribution", [])),
            }
        )
    return out


def _attribution(indicators: list[dict]) -> list[str]:
    lines: list[str] = []
    for i in indicators:
        for line in i.get("attribution", []):
            if line not in lines:
                lines.append(line)
    return lines


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value))


def _fact(fact) -> dict:
    return {"code": fact.code, "params": dict(fact.params)}


def _criteria_snapshot(rows) -> list[dict]:
    return [
        {
            "kind": c.kind,
            "name": c.name,
            "level": c.level.label if c.level else "",
            "level_description": c.level.description if c.level else "",
            "uncertainty": c.uncertainty.label if c.uncertainty else "",
            "reasoning": c.reasoning,
            "level_reason": c.level_reason,
            "suggested": c.suggested.label if c.suggested else "",
            "suggested_from": c.suggested_from,
            "parts": [
                {"name": p.name, "level": p.level.label, "reasoning": p.reasoning}
                for p in c.parts
                if p.level is not None
            ],
        }
        for c in rows
    ]


def _alternative_snapshot(row) -> dict:
    a = row.alternative
    swedish = row.swedish
    value = row.value
    return {
        "name": a.name,
        "description": a.description,
        "target_group": a.target_group,
        "comparator": a.comparator,
        "cost_nok": a.cost_nok,
        "criteria": _criteria_snapshot(row.criteria),
        "flags": [_fact(f) for f in row.flag_facts],
        "swedish": None
        if swedish is None
        else {
            "category": swedish.category,
            "rank": swedish.rank,
            "steps": [
                {
                    "step": s.step,
                    "rank_before": s.rank_before,
                    "rank_after": s.rank_after,
                    **_fact(s.fact),
                }
                for s in swedish.steps
            ],
        },
        "persons": a.persons_per_year,
        "persons_source": a.persons_source,
        "persons_figure": a.persons_figure.snapshot.get("label", "") if a.persons_figure else "",
        "persons_note": a.persons_note,
        "value": None
        if value is None
        else {
            "persons": value.persons,
            "benefit": value.benefit_label,
            "benefit_value": value.benefit_value,
            "severity": value.severity_label,
            "severity_weight": value.severity_weight,
            "value": value.value,
        },
        "evidence": a.evidence,
        "proportionality": a.proportionality,
        "children": _label(Children.choices, a.children_affected),
        "children_best_interests": a.children_best_interests,
        "equity": a.equity,
        "local_conditions": a.local_conditions,
        "consequences": a.consequences,
        "mandatory": a.mandatory,
        "current_service": a.current_service,
    }


def build_snapshot(case: PrioritizationCase, *, detail: str, version: int) -> dict:
    """Everything the decision basis says, as plain JSON, frozen at this moment.

    Explanations are kept as facts (code and values) and worded when the basis is shown, in
    the reader's language; the levels, reasons and names are kept as written.
    """
    overview = CaseOverview(case)
    names = {str(a.external_id): a.name for a in overview.alternatives}
    result = overview.portfolio
    part = overview.participation
    handlings = overview.handlings
    criteria = overview.criteria
    return {
        "version": version,
        "detail": detail,
        "detail_label": _label(Detail.choices, detail),
        "created_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
        "municipality": case.municipality.name,
        "catalogue": {
            "version": overview.catalogue.version,
            "source": overview.catalogue.source,
            "swedish_source": overview.catalogue.ranking.source,
        },
        "case": {
            "title": case.title,
            "level": _label(Level.choices, case.level),
            "direction": _label(Direction.choices, case.direction),
            "situation": case.situation,
            "legal_frame": case.legal_frame,
            "economic_frame": case.economic_frame,
            "professional_frame": case.professional_frame,
            "plan_process": _label(PlanProcess.choices, case.plan_process),
            "plan_reference": case.plan_reference,
            "coherence": case.coherence,
            "ethics": case.ethics,
            "recommendation": case.recommendation,
            "budget_nok": case.budget_nok,
        },
        "weights": overview.weight_shares or {},
        "alternatives": [_alternative_snapshot(row) for row in overview.table],
        "ranking": [
            {"name": r.name, "rank": r.rank, "total": r.total, "contributions": r.contributions}
            for r in overview.ranking
        ],
        "stability": [
            {
                "criterion": criteria[s.criterion],
                "current": s.weight,
                "low": s.lower,
                "high": s.upper,
            }
            for s in overview.stability
        ],
        "acceptability": [{"name": a.name, "first": share} for a, share in overview.first_shares],
        "swedish_disagreements": [
            {
                "upper": upper.name,
                "upper_rank": upper.rank,
                "upper_category": upper.swedish.category,
                "lower": lower.name,
                "lower_category": lower.swedish.category,
            }
            for upper, lower in overview.swedish_disagreements
        ],
        "portfolio": None
        if result is None
        else {
            "feasible": result.feasible,
            "chosen": [names[k] for k in result.chosen],
            "cost_nok": result.cost_nok,
            "value": result.value,
            "next_krone": [names[k] for k in result.next_krone],
            "next_krone_budget_nok": result.next_krone_budget_nok,
            "first_out": [names[k] for k in result.first_out],
            "facts": [_fact(f) for f in overview.portfolio_facts],
        },
        "participation": {
            "total": part.total,
            "groups": [
                {
                    "label": g.label,
                    "count": g.count,
                    "weights": g.weights,
                    "top": g.ranking[0].name if g.ranking else "",
                }
                for g in part.groups
            ],
            "pooled_top": part.pooled.ranking[0].name
            if part.pooled and part.pooled.ranking
            else "",
            "disagreements": part.disagreements,
            "handlings": [
                {
                    "theme": _label(Theme.choices, code),
                    "comments": part.comments_by_theme.get(code, 0),
                    "note": handlings[code].note if code in handlings else "",
                    "changed": handlings[code].changed_outcome if code in handlings else False,
                }
                for code, _l in Theme.choices
                if code in handlings or part.comments_by_theme.get(code)
            ],
        },
        "cuts": [a.name for a in overview.cuts],
        "legal": {
            "forsvarlighet": case.legal_forsvarlighet,
            "necessary": case.legal_necessary,
            "individual": case.legal_individual,
        },
        "affected": [
            {
                "service": row.alternative.name,
                "unit": row.unit_name,
                "kind": row.service_label,
                "decisions": row.count,
            }
            for row in overview.affected
        ],
        "indicators": _attached_indicators(case),
        # The mini method assessments and the ethical reflections (losen.apps.knowledge).
        **knowledge_basis.snapshot(case),
        "follow_ups": [
            {
                "indicator": f.indicator,
                "review_on": f.review_on.strftime("%d.%m.%Y"),
                "responsible": f.responsible,
            }
            for f in overview.follow_ups
        ],
    }


def _pct(x: float) -> str:
    return f"{round(100 * x)} %"


def _nok(x) -> str:
    return f"{x:,}".replace(",", " ") + " kr" if x is not None else ""


def _or_missing(text: str) -> str:
    return text.strip() or _("Ikke beskrevet.")


CRITERIA_KEYS = (("nytte", "benefit"), ("alvorlighet", "severity"), ("ressurs", "resource"))


def VALUE_MODEL() -> str:
    return _(
        "Verdien porteføljen gjør størst: antall personer tiltaket når per år × forventet "
        "nytte per person (nyttenivået 0–4) × en vekt for alvorlighet fra 1 (liten) til 3 "
        "(svært stor). Ressurser teller bare som kostnad mot budsjettet. Vekten følger spennet "
        "i betalingsviljen per gode leveår etter alvorlighet (Meld. St. 34 (2015–2016), "
        "Meld. St. 38 (2020–2021) kap. 11)."
    )


def _say(facts: list[dict]) -> list[str]:
    return wording.sentences([Fact(f["code"], f["params"]) for f in facts])


def _persons_text(a: dict) -> str:
    if a.get("persons") is None:
        return _("mangler")
    if a.get("persons_source") == "anslag":
        return _("%(n)s (anslag: %(note)s)") % {"n": a["persons"], "note": a["persons_note"]}
    return _("%(n)s (tall: %(figure)s)") % {"n": a["persons"], "figure": a["persons_figure"]}


def _criterion_of(a: dict, kind: str) -> dict:
    return next(c for c in a["criteria"] if c["kind"] == kind)


def _uncertainty(a: dict, kind: str, old: str) -> str:
    if "criteria" in a:
        return _criterion_of(a, kind)["uncertainty"]
    return a.get(f"{old}_certainty", "")


def _criterion_table(alts: list[dict], kind: str, old: str, short: bool) -> Table:
    """One criterion for every alternative: level, uncertainty, reasoning and the parts.

    Bases frozen before the criteria catalogue (no ``criteria`` key) keep their own columns.
    """
    if alts and "criteria" not in alts[0]:
        return Table(
            [_("Tiltak"), _("Nivå"), _("Sikkerhet i kunnskapen"), _("Begrunnelse")],
            [[a["name"], a[old], a[f"{old}_certainty"], a[f"{old}_reasoning"]] for a in alts],
        )
    rows = []
    for a in alts:
        c = _criterion_of(a, kind)
        level = c["level"]
        if not short and c.get("level_description"):
            level = f"{level} – {c['level_description']}"
        if c["suggested"] and c["suggested"] != c["level"]:
            level = _("%(level)s (delene gir %(suggested)s: %(reason)s)") % {
                "level": c["level"],
                "suggested": c["suggested"],
                "reason": c["level_reason"],
            }
        parts = "; ".join(
            f"{p['name']}: {p['level']}" + ("" if short else f". {p['reasoning']}")
            for p in c["parts"]
        )
        rows.append([a["name"], level, c["uncertainty"], c["reasoning"], parts or "–"])
    return Table([_("Tiltak"), _("Nivå"), _("Usikkerhet"), _("Begrunnelse"), _("Delene")], rows)


def _swedish_paragraphs(section: Section, s: dict, alts: list[dict], short: bool) -> None:
    """The Swedish national model's rank of every alternative, with its steps in words."""
    ranked = [a for a in alts if a.get("swedish")]
    if not ranked:
        return
    section.paragraphs.append(
        _(
            "Rangering etter den svenske nasjonale modellen for åpne prioriteringer (1 er "
            "høyest prioritet, 10 lavest; ikke-gjøre og FoU er egne kategorier): %(source)s"
        )
        % {"source": s.get("catalogue", {}).get("swedish_source", "")}
    )
    section.tables.append(
        Table(
            [_("Tiltak"), _("Svensk rang"), _("Slik er rangen funnet")],
            [
                [
                    a["name"],
                    wording.category(a["swedish"]["category"]),
                    " ".join(_say(a["swedish"]["steps"][: 1 if short else None])),
                ]
                for a in ranked
            ],
        )
    )
    for d in s.get("swedish_disagreements", []):
        section.paragraphs.append(
            _(
                "«%(a)s» er nr. %(ra)s i matrisen, men får svensk rang %(sa)s, mens «%(b)s» "
                "får %(sb)s."
            )
            % {
                "a": d["upper"],
                "ra": d["upper_rank"],
                "sa": wording.category(d["upper_category"]),
                "b": d["lower"],
                "sb": wording.category(d["lower_category"]),
            }
        )
    for a in alts:
        section.paragraphs += [f"{a['name']}: {line}" for line in _say(a.get("flags", []))]


def sections(snapshot: dict) -> list[Section]:
    """The 17 sections of the decision basis, filled from a frozen snapshot."""
    s = snapshot
    case = s["case"]
    full = s["detail"] == Detail.FULL
    short = s["detail"] == Detail.LIGHT
    alts = s["alternatives"]
    out = [Section(i + 1, str(t)) for i, t in enumerate(SECTION_TITLES)]

    out[0].paragraphs += [
        _("Nivå: %(level)s. Retning: %(direction)s.")
        % {"level": case["level"], "direction": case["direction"]},
        case["situation"],
    ]
    out[1].paragraphs += [
        _("Juridisk: %s") % _or_missing(case["legal_frame"]),
        _("Økonomisk: %s") % _or_missing(case["economic_frame"]),
        _("Faglig: %s") % _or_missing(case["professional_frame"]),
        _(
            "Prioriteringer kan ikke føre tjenestene under kravet til forsvarlighet eller retten "
            "til nødvendige helse- og omsorgstjenester."
        ),
    ]
    if case["budget_nok"] is not None:
        out[1].paragraphs.append(_("Budsjettramme: %s.") % _nok(case["budget_nok"]))
    if s["cuts"]:
        out[1].paragraphs += [
            _("Saken kan kutte tjenester folk mottar i dag: %s.") % ", ".join(s["cuts"]),
            _("Forsvarlighet: %s") % _or_missing(s["legal"]["forsvarlighet"]),
            _("Nødvendige tjenester: %s") % _or_missing(s["legal"]["necessary"]),
            _("Endring av enkeltvedtak: %s") % _or_missing(s["legal"]["individual"]),
        ]
        for row in s["affected"]:
            out[1].paragraphs.append(
                _(
                    "%(service)s: %(count)d løpende vedtak ved %(unit)s må vurderes etter "
                    "reglene for endring av enkeltvedtak."
                )
                % {
                    "service": row["service"],
                    "count": row.get("decisions", row.get("persons", 0)),
                    "unit": row["unit"] or "–",
                }
                if row["unit"]
                else _("%s: ingen enhet er oppgitt, så berørte enkeltvedtak er ikke funnet.")
                % row["service"]
            )
    out[2].tables.append(
        Table(
            [_("Tiltak"), _("Målgruppe"), _("Sammenligning"), _("Kostnad per år")],
            [[a["name"], a["target_group"], a["comparator"], _nok(a["cost_nok"])] for a in alts],
        )
    )
    if not short:
        out[2].paragraphs += [f"{a['name']}: {a['description']}" for a in alts if a["description"]]
    for section, kind, old in (
        (out[3], "nytte", "benefit"),
        (out[4], "alvorlighet", "severity"),
        (out[5], "ressurs", "resource"),
    ):
        section.tables.append(_criterion_table(alts, kind, old, short))
    out[6].paragraphs += [f"{a['name']}: {_or_missing(a['proportionality'])}" for a in alts]
    out[6].paragraphs.append(
        _(
            "Vektene i den samlede vurderingen: nytte %(n)s, alvorlighet %(a)s, ressurs %(r)s. "
            "Tallene er et hjelpemiddel; den skrevne vurderingen avgjør."
        )
        % {
            "n": _pct(s["weights"]["nytte"]),
            "a": _pct(s["weights"]["alvorlighet"]),
            "r": _pct(s["weights"]["ressurs"]),
        }
    )
    out[6].tables.append(
        Table(
            [_("Plass"), _("Tiltak"), _("Nytte"), _("Alvorlighet"), _("Ressurs"), _("Sum")],
            [
                [
                    str(r["rank"]),
                    r["name"],
                    f"{r['contributions']['nytte']:.2f}",
                    f"{r['contributions']['alvorlighet']:.2f}",
                    f"{r['contributions']['ressurs']:.2f}",
                    f"{r['total']:.2f}",
                ]
                for r in s["ranking"]
            ],
        )
    )
    if not short:
        out[6].paragraphs += wording.sentences(
            [
                weight_interval(
                    wording.criterion(st["criterion"]), st["low"], st["high"], st["current"]
                )
                for st in s["stability"]
            ]
        )
    if full:
        out[6].tables.append(
            Table(
                [_("Tiltak"), _("Andel av alle mulige vektinger der tiltaket kommer først")],
                [[a["name"], _pct(a["first"])] for a in s["acceptability"]],
            )
        )
    _swedish_paragraphs(out[6], s, alts, short)
    if s["portfolio"]:
        p = s["portfolio"]
        if "facts" in p:
            out[6].paragraphs += _say(p["facts"])
            out[6].paragraphs.append(VALUE_MODEL())
            out[6].tables.append(
                Table(
                    [
                        _("Tiltak"),
                        _("Personer per år"),
                        _("Nytte per person"),
                        _("Vekt for alvorlighet"),
                        _("Verdi"),
                    ],
                    [
                        [
                            a["name"],
                            _persons_text(a),
                            f"{a['value']['benefit_value']} ({a['value']['benefit']})",
                            f"{a['value']['severity_weight']:.2f} ({a['value']['severity']})",
                            f"{a['value']['value']:.1f}",
                        ]
                        if a.get("value")
                        else [a["name"], _("mangler"), "–", "–", "–"]
                        for a in alts
                    ],
                )
            )
        else:
            out[6].paragraphs.append(
                _("Beste sett innenfor budsjettet (%(cost)s): %(set)s.")
                % {"cost": _nok(p["cost_nok"]), "set": ", ".join(p["chosen"]) or "–"}
            )
            if p["next_krone"]:
                out[6].paragraphs.append(
                    _("Med %(budget)s kommer dette med: %(set)s.")
                    % {
                        "budget": _nok(p["next_krone_budget_nok"]),
                        "set": ", ".join(p["next_krone"]),
                    }
                )
            if p["first_out"]:
                out[6].paragraphs.append(
                    _("Går budsjettet ned, går dette ut først: %s.") % ", ".join(p["first_out"])
                )
        for a in alts:
            if a["name"] not in p["chosen"] and a["consequences"]:
                out[6].paragraphs.append(
                    _("Uten %(name)s (%(group)s): %(text)s")
                    % {"name": a["name"], "group": a["target_group"], "text": a["consequences"]}
                )
    out[7].tables.append(
        Table(
            [_("Tiltak"), _("Berøres barn?"), _("Barnets beste")],
            [[a["name"], a["children"], a["children_best_interests"]] for a in alts],
        )
    )
    out[8].paragraphs += [f"{a['name']}: {_or_missing(a['equity'])}" for a in alts]
    out[9].paragraphs += [f"{a['name']}: {_or_missing(a['local_conditions'])}" for a in alts]
    knowledge_basis.fill_ethics(out[10], s)
    out[11].tables.append(
        Table(
            [_("Tiltak"), _("Kunnskapsgrunnlag"), _("Nytte"), _("Alvorlighet"), _("Ressurs")],
            [
                [
                    a["name"],
                    a["evidence"],
                    *(_uncertainty(a, kind, old) for kind, old in CRITERIA_KEYS),
                ]
                for a in alts
            ],
        )
    )
    knowledge_basis.fill_knowledge(out[11], s)
    part = s["participation"]
    if part["total"]:
        out[12].paragraphs.append(
            _("%(n)d innspill kom inn gjennom den åpne medvirkningen.") % {"n": part["total"]}
        )
        out[12].tables.append(
            Table(
                [
                    _("Gruppe"),
                    _("Innspill"),
                    _("Nytte"),
                    _("Alvorlighet"),
                    _("Ressurs"),
                    _("Først"),
                ],
                [
                    [
                        g["label"],
                        str(g["count"]),
                        _pct(g["weights"]["nytte"]),
                        _pct(g["weights"]["alvorlighet"]),
                        _pct(g["weights"]["ressurs"]),
                        g["top"],
                    ]
                    for g in part["groups"]
                ],
            )
        )
        out[12].paragraphs += part["disagreements"]
    else:
        out[12].paragraphs.append(_("Ingen innspill er registrert i Losen."))
    for h in part["handlings"]:
        out[12].paragraphs.append(
            _("%(theme)s (%(n)d kommentarer): %(note)s")
            % {"theme": h["theme"], "n": h["comments"], "note": _or_missing(h["note"])}
        )
    out[13].paragraphs += [
        _("Plan- eller budsjettprosess: %(p)s. %(ref)s")
        % {"p": case["plan_process"], "ref": case["plan_reference"]},
        _or_missing(case["coherence"]),
    ]
    out[14].tables.append(
        Table(
            [_("Indikator"), _("Kilde"), _("Periode"), _("Verdi"), _("Status")],
            [
                [i["name"], i["source"], i["period"], i["value"], i["status"]]
                for i in s["indicators"]
            ],
        )
    )
    if not s["indicators"]:
        out[14].paragraphs.append(_("Ingen styringsinformasjon er lagt ved."))
    for i in s["indicators"]:
        if i.get("note"):
            out[14].paragraphs.append(f"{i['name']}: {i['note']}")
    out[14].paragraphs += _attribution(s["indicators"])
    out[15].paragraphs.append(_or_missing(case["recommendation"]))
    out[16].tables.append(
        Table(
            [_("Indikator"), _("Dato for gjennomgang"), _("Ansvarlig")],
            [[f["indicator"], f["review_on"], f["responsible"]] for f in s["follow_ups"]],
        )
    )
    if not s["follow_ups"]:
        out[16].paragraphs.append(_("Ingen oppfølging er satt ennå."))
    return out


def paper(snapshot: dict) -> Paper:
    """The decision basis as a printable document (the same sections as the page)."""
    return Paper(
        title=_("Beslutningsgrunnlag: %s") % snapshot["case"]["title"],
        document_title=snapshot["case"]["title"],
        municipality=snapshot["municipality"],
        after_title=[
            _("%(m)s. Versjon %(v)d, laget %(at)s. Detaljnivå: %(d)s.")
            % {
                "m": snapshot["municipality"],
                "v": snapshot["version"],
                "at": snapshot["created_at"],
                "d": snapshot["detail_label"],
            }
        ],
        sections=sections(snapshot),
        subject=str(_("Beslutningsgrunnlag")),
    )


def render_docx(basis) -> bytes:
    """The decision basis as a DOCX document (A4) for the political case system."""
    return to_docx(paper(basis.snapshot))
