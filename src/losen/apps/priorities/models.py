"""Prioritisation cases (prioriteringssaker) of the municipality's leadership.

The model follows Helsedirektoratet's guideline «Prioriteringer i kommunale helse- og
omsorgstjenester» (recommendations L1 and L2) and Meld. St. 38 (2020–2021): a case is tied to
the plan and budget cycle, moves through three phases, assesses its alternatives on nytte,
ressurs and alvorlighet with written reasoning, gathers input from those affected, and ends in
a versioned decision basis, a recorded decision, an optional public page and follow-up.
The narrative assessment is authoritative; numbers are aids to reasoning (guideline L1; see
docs/reference/priorities.md).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from losen.apps.cases.models import ServiceKind
from losen.apps.common.locking import Versioned


def new_public_token() -> str:
    """An unguessable token for a public address (consultation or published page)."""
    return secrets.token_urlsafe(18)


class Level(models.TextChoices):
    POLITICAL = "politisk", _("Politisk")
    ADMINISTRATIVE = "administrativ", _("Administrativ")
    CLINICAL = "klinisk", _("Klinisk")


class Direction(models.TextChoices):
    UP = "opp", _("Nytt eller mer")
    DOWN = "ned", _("Mindre eller avslutte")
    RECONFIGURE = "om", _("Det samme med andre ressurser")


class PlanProcess(models.TextChoices):
    KOMMUNEPLAN = "kommuneplan", _("Kommuneplan")
    TEMAPLAN = "temaplan", _("Temaplan eller sektorplan")
    OKONOMIPLAN = "okonomiplan", _("Økonomiplan")
    ARSBUDSJETT = "arsbudsjett", _("Årsbudsjett")
    OTHER = "annet", _("Annet politisk eller administrativt vedtak")


class Phase(models.TextChoices):
    PREPARE = "forberede", _("Forberede og planlegge")
    CARRY_OUT = "gjennomfore", _("Gjennomføre")
    EVALUATE = "evaluere", _("Evaluere, korrigere og følge opp")


class Detail(models.TextChoices):
    LIGHT = "kort", _("Kort")
    STANDARD = "standard", _("Standard")
    FULL = "full", _("Full")


class PrioritizationCase(Versioned):
    """A prioritisation case: one question the leadership must decide, with its frame."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="priority_cases"
    )
    title = models.CharField(_("tittel"), max_length=200)
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    situation = models.TextField(
        _("situasjon eller behov"),
        help_text=_("Hva er prioriteringssituasjonen, eller hvorfor må kommunen prioritere?"),
    )
    legal_frame = models.TextField(_("juridisk ramme"), blank=True)
    economic_frame = models.TextField(_("økonomisk ramme"), blank=True)
    professional_frame = models.TextField(_("faglig ramme"), blank=True)
    plan_process = models.CharField(
        _("plan- eller budsjettprosess"), max_length=20, choices=PlanProcess.choices
    )
    plan_reference = models.CharField(
        _("henvisning til planen"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «Økonomiplan 2027–2030, kap. 4» eller saksnummer."),
    )
    coherence = models.TextField(
        _("sammenheng med lokale vedtak og mål"),
        blank=True,
        help_text=_("Hvordan saken henger sammen med kommuneplan, temaplaner og strategier."),
    )
    ethics = models.TextField(
        _("etisk refleksjon (valgfritt)"),
        blank=True,
        help_text=_("Etiske dilemmaer saken reiser, for eksempel etter seks-trinnsmodellen."),
    )
    recommendation = models.TextField(
        _("forslag til vedtak med begrunnelse"),
        blank=True,
        help_text=_("Administrasjonens samlede vurdering og forslag, slik det legges fram."),
    )
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.PREPARE)
    budget_nok = models.PositiveBigIntegerField(
        _("budsjettramme (kr)"),
        null=True,
        blank=True,
        help_text=_("Fylles ut for budsjettsaker: hvor mye tiltakene samlet kan koste per år."),
    )
    weight_benefit = models.PositiveSmallIntegerField(_("vekt nytte"), default=40)
    weight_severity = models.PositiveSmallIntegerField(_("vekt alvorlighet"), default=40)
    weight_resource = models.PositiveSmallIntegerField(_("vekt ressurs"), default=20)
    # The assessment the law requires before services people receive today are cut.
    legal_forsvarlighet = models.TextField(_("vurdering av forsvarlighet"), blank=True)
    legal_necessary = models.TextField(_("vurdering av nødvendige tjenester"), blank=True)
    legal_individual = models.TextField(
        _("vurdering av endring av enkeltvedtak"),
        blank=True,
        help_text=_("Reglene for å endre enkeltvedtak (forvaltningsloven § 35) og varsling."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("opprettet fra sak"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prioriteringssak")
        verbose_name_plural = _("prioriteringssaker")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def weights(self) -> dict[str, float]:
        return {
            "nytte": float(self.weight_benefit),
            "alvorlighet": float(self.weight_severity),
            "ressurs": float(self.weight_resource),
        }

    @property
    def is_budget_case(self) -> bool:
        return self.budget_nok is not None


class PersonsSource(models.TextChoices):
    FIGURE = "tall", _("Et tall som er lagt ved saken")
    ESTIMATE = "anslag", _("Et anslag")


class Children(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nei", _("Nei")
    UNKNOWN = "ukjent", _("Ukjent")


class Alternative(Versioned):
    """An alternative (tiltak, or a condition–intervention pair) assessed with the criteria."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        PrioritizationCase, on_delete=models.CASCADE, related_name="alternatives"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    target_group = models.CharField(
        _("målgruppe"), max_length=200, help_text=_("Hvem tiltaket gjelder, som gruppe.")
    )
    comparator = models.CharField(
        _("sammenligningsalternativ"),
        max_length=200,
        blank=True,
        help_text=_("Hva skjer uten tiltaket?"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet som yter tjenesten"),
    )
    service = models.CharField(
        _("tjenestetype"),
        max_length=40,
        choices=ServiceKind.choices,
        blank=True,
        help_text=_(
            "For en tjeneste folk mottar i dag: hvilke vedtak ved enheten et kutt berører. "
            "Tom: alle løpende vedtak ved enheten."
        ),
    )
    cost_nok = models.PositiveBigIntegerField(_("kostnad per år (kr)"), default=0)
    # The combined assessment (samlet vurdering) on the criteria catalogue of
    # losen.domain.criteria: each criterion's level and uncertainty are labels of the
    # catalogue's scales, its parts are kept in ``parts``, and ``*_level_reason`` says why a
    # level differs from the one the parts give. Mapping: losen.apps.priorities.mapping.
    nytte_level = models.CharField(_("nytte"), max_length=20)
    nytte_reasoning = models.TextField(_("begrunnelse for nytte"))
    nytte_uncertainty = models.CharField(_("usikkerhet om nytte"), max_length=20)
    nytte_level_reason = models.TextField(_("hvorfor et annet nivå enn delene gir"), blank=True)
    alvorlighet_level = models.CharField(_("alvorlighet"), max_length=20)
    alvorlighet_reasoning = models.TextField(_("begrunnelse for alvorlighet"))
    alvorlighet_uncertainty = models.CharField(_("usikkerhet om alvorlighet"), max_length=20)
    alvorlighet_level_reason = models.TextField(
        _("hvorfor et annet nivå enn delene gir"), blank=True
    )
    ressurs_level = models.CharField(_("ressurs"), max_length=20)
    ressurs_reasoning = models.TextField(_("begrunnelse for ressurs"))
    ressurs_uncertainty = models.CharField(_("usikkerhet om ressurs"), max_length=20)
    ressurs_level_reason = models.TextField(_("hvorfor et annet nivå enn delene gir"), blank=True)
    parts = models.JSONField(
        default=list,
        blank=True,
        help_text="[{criterion, part, level, reasoning, uncertainty}] on the catalogue's parts",
    )
    persons_per_year = models.PositiveIntegerField(
        _("personer tiltaket når per år"),
        null=True,
        blank=True,
        help_text=_("Hvor mange personer tiltaket gir tjenester til i løpet av et år."),
    )
    persons_source = models.CharField(
        _("kilde for antall personer"), max_length=10, choices=PersonsSource.choices, blank=True
    )
    persons_figure = models.ForeignKey(
        "insight.IndicatorAttachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tallet antallet bygger på"),
    )
    persons_note = models.TextField(
        _("hvordan antallet er funnet"),
        blank=True,
        help_text=_("For et anslag: hva det bygger på. For et tall: hvordan det er regnet om."),
    )
    evidence = models.TextField(
        _("kunnskapsgrunnlag"),
        blank=True,
        help_text=_("Forskning, nasjonale råd, erfaring og brukerkunnskap, med usikkerhet."),
    )
    proportionality = models.TextField(
        _("forholdsmessighet"),
        blank=True,
        help_text=_("Står nytte og alvorlighet i rimelig forhold til ressursene?"),
    )
    children_affected = models.CharField(
        _("berøres barn?"), max_length=8, choices=Children.choices, default=Children.UNKNOWN
    )
    children_best_interests = models.TextField(_("barnets beste"), blank=True)
    equity = models.TextField(
        _("ulik tilgang mellom grupper"),
        blank=True,
        help_text=_("Grupper med ulik tilgang eller evne til å ha nytte av tiltaket."),
    )
    local_conditions = models.TextField(_("lokale forhold"), blank=True)
    consequences = models.TextField(
        _("konsekvenser om tiltaket ikke gjennomføres"),
        blank=True,
        help_text=_("Hvem merker det, og hvordan?"),
    )
    mandatory = models.BooleanField(
        _("lovpålagt (må være med)"),
        default=False,
        help_text=_("Lovens minstekrav: forsvarlighet og nødvendige tjenester."),
    )
    exclusive_group = models.CharField(
        _("gjensidig utelukkende gruppe"),
        max_length=40,
        blank=True,
        help_text=_("Tiltak med samme gruppenavn kan ikke velges sammen."),
    )
    requires = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forutsetter tiltaket"),
    )
    current_service = models.BooleanField(
        _("tjeneste folk mottar i dag"),
        default=False,
        help_text=_("Kryss av når tiltaket er en tjeneste som gis i dag og kan bli kuttet."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("alternativ")
        verbose_name_plural = _("alternativer")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> dict[str, str]:
        """The level label of each criterion."""
        return {
            "nytte": self.nytte_level,
            "alvorlighet": self.alvorlighet_level,
            "ressurs": self.ressurs_level,
        }


class Theme(models.TextChoices):
    BENEFIT = "nytte", _("Nytte")
    SEVERITY = "alvorlighet", _("Alvorlighet")
    RESOURCE = "ressurs", _("Ressurser")
    ACCESS = "tilgang", _("Lik tilgang")
    CHILDREN = "barn", _("Barn og unge")
    OTHER = "annet", _("Annet")


class Group(models.TextChoices):
    RECIPIENT = "tjenestemottaker", _("Tjenestemottaker")
    RELATIVE = "parorende", _("Pårørende")
    USER_ORG = "brukerorganisasjon", _("Brukerorganisasjon")
    RESIDENT = "innbygger", _("Innbygger")
    EMPLOYEE = "ansatt", _("Ansatt")
    POLITICIAN = "politiker", _("Politiker")
    COUNCIL = "rad", _("Råd (eldreråd, ungdomsråd, råd for personer med funksjonsnedsettelse)")


class Consultation(models.Model):
    """An open consultation (medvirkning) on a case, reached through a public link."""

    case = models.OneToOneField(
        PrioritizationCase, on_delete=models.CASCADE, related_name="consultation"
    )
    token = models.CharField(max_length=40, unique=True, default=new_public_token)
    introduction = models.TextField(_("innledning til deltakerne"))
    is_open = models.BooleanField(default=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"consultation {self.pk}"


class Submission(models.Model):
    """One participant's input, kept exactly as given: it is never changed after saving."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="submissions"
    )
    group = models.CharField(max_length=24, choices=Group.choices)
    points_benefit = models.PositiveSmallIntegerField()
    points_severity = models.PositiveSmallIntegerField()
    points_resource = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=16, choices=Theme.choices, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"submission {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a submission is kept unaltered")
        super().save(*args, **kwargs)

    @property
    def weights(self) -> dict[str, float]:
        total = self.points_benefit + self.points_severity + self.points_resource
        return {
            "nytte": self.points_benefit / total,
            "alvorlighet": self.points_severity / total,
            "ressurs": self.points_resource / total,
        }


class InputHandling(models.Model):
    """How the input on one theme was handled: required for every theme that got comments."""

    case = models.ForeignKey(PrioritizationCase, on_delete=models.CASCADE, related_name="handlings")
    theme = models.CharField(_("tema"), max_length=16, choices=Theme.choices)
    note = models.TextField(_("hvordan innspillene ble behandlet"))
    changed_outcome = models.BooleanField(_("innspillene endret forslaget"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "theme"], name="handling_one_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.theme}"


class DecisionBasis(models.Model):
    """A frozen, versioned decision basis (beslutningsgrunnlag) with the data it used."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(PrioritizationCase, on_delete=models.CASCADE, related_name="bases")
    version = models.PositiveIntegerField()
    detail = models.CharField(max_length=10, choices=Detail.choices)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="basis_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a decision basis is frozen")
        super().save(*args, **kwargs)


class Decision(models.Model):
    """The decision on a case, with who decided and why."""

    case = models.OneToOneField(
        PrioritizationCase, on_delete=models.CASCADE, related_name="decision"
    )
    basis = models.ForeignKey(DecisionBasis, on_delete=models.RESTRICT, related_name="+")
    decided_on = models.DateField(_("vedtaksdato"))
    decision_maker = models.CharField(
        _("vedtaksorgan"),
        max_length=200,
        help_text=_("Organet eller rollen som vedtok, for eksempel «Kommunestyret»."),
    )
    case_reference = models.CharField(_("saksnummer"), max_length=60, blank=True)
    outcome = models.TextField(_("vedtak"))
    reasons = models.TextField(_("begrunnelse"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"decision {self.case_id}"


class Publication(models.Model):
    """One period a decided case was public; unpublishing ends it and keeps the row."""

    case = models.ForeignKey(
        PrioritizationCase, on_delete=models.CASCADE, related_name="publications"
    )
    token = models.CharField(max_length=40, unique=True, default=new_public_token)
    content = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"publication {self.token}"


class FollowUp(models.Model):
    """An indicator and review date set for a decision, and the evaluation once done."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        PrioritizationCase, on_delete=models.CASCADE, related_name="follow_ups"
    )
    indicator = models.CharField(_("indikator å følge"), max_length=200)
    review_on = models.DateField(_("dato for gjennomgang"))
    responsible = models.CharField(_("ansvarlig (rolle)"), max_length=120)
    evaluation = models.TextField(_("evaluering"), blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review_on"]

    def __str__(self) -> str:
        return self.indicator
