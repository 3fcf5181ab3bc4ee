"""Mini method assessments, ethical reflections and the example bank.

* :class:`MethodAssessment` follows the municipal mini method assessment (mini-metodevurdering)
  that FHI supports for municipalities: the question in PICO form, effect, safety,
  organisational and economic consequences, ethics, and a conclusion with its certainty
  (FHI's municipal support, published at
  https://www.helsebiblioteket.no/innhold/artikler/kommunestotte/mini-metodevurdering/hvordan).
  It can be attached to a prioritisation case as its knowledge base.
* :class:`EthicsReflection` follows the six-step model for ethical reflection that KS made with
  the Centre for Medical Ethics (https://www.ks.no/fagomrader/helse-og-omsorg/eldreomsorg/
  samarbeid-om-etisk-kompetanseheving/verktoy-og-metoder2/hovedmodeller-for-etisk-refleksjon/): the
  situation, the ethical question, the parties and their interests, laws, guidelines and
  values, the options, and the choice with its reasons. It is attached to a prioritisation case
  or to one service decision (vedtak), never both.
* :class:`Example` is one decided, published case a municipality offers to the example bank
  (Helsedirektoratet's guideline asks municipalities to learn from each other's prioritisation
  processes: https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester),
  or one imported from another installation. Its content is frozen when offered and holds no
  personal data.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from losen.apps.priorities.models import Direction, Level


def new_token() -> str:
    """An unguessable token for an example's public address."""
    return secrets.token_urlsafe(18)


class Certainty(models.TextChoices):
    """How certain the conclusion is (the certainty of the evidence, as in GRADE)."""

    HIGH = "hoy", _("Høy")
    MODERATE = "middels", _("Middels")
    LOW = "lav", _("Lav")
    VERY_LOW = "svaert-lav", _("Svært lav")


class Advice(models.TextChoices):
    """What the working group advises about the method."""

    INTRODUCE = "innfore", _("Innføre metoden")
    TRIAL = "utprove", _("Prøve ut metoden med evaluering")
    NOT = "ikke-innfore", _("Ikke innføre metoden")
    MORE = "mer-kunnskap", _("Skaffe mer kunnskap før beslutning")


class MethodAssessment(models.Model):
    """A mini method assessment of one new method or intervention (or one in use)."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "priorities.PrioritizationCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="method_assessments",
        verbose_name=_("prioriteringssak"),
    )
    title = models.CharField(
        _("metoden eller tiltaket"),
        max_length=200,
        help_text=_("Hva vurderes? For eksempel «Digital hjemmeoppfølging av depresjon»."),
    )
    population = models.TextField(
        _("populasjon (P)"), help_text=_("Hvem gjelder metoden? Gruppe, alder, tilstand.")
    )
    intervention = models.TextField(
        _("tiltak (I)"), help_text=_("Hva består metoden i, og hvordan skal den gis?")
    )
    comparison = models.TextField(
        _("sammenligning (C)"), help_text=_("Hva gjør kommunen i dag, eller hva er alternativet?")
    )
    outcomes = models.TextField(
        _("utfall (O)"), help_text=_("Hvilke endringer for brukerne er viktige å måle?")
    )
    evidence = models.TextField(
        _("kunnskapsgrunnlag"),
        blank=True,
        help_text=_("Hvilke kilder og studier er funnet, og hvordan er de søkt fram?"),
    )
    effect = models.TextField(_("effekt"), help_text=_("Hva viser kunnskapen om effekten?"))
    safety = models.TextField(
        _("sikkerhet"), help_text=_("Risiko, bivirkninger og uønskede hendelser.")
    )
    organisation = models.TextField(
        _("organisatoriske konsekvenser"),
        help_text=_("Kompetanse, bemanning, samarbeid og endringer i arbeidsflyt."),
    )
    economy = models.TextField(
        _("økonomiske konsekvenser"),
        help_text=_("Kostnader å innføre og drive, og hva som kan spares eller frigjøres."),
    )
    ethics = models.TextField(
        _("etiske vurderinger"),
        blank=True,
        help_text=_("Rettferdig fordeling, brukernes selvbestemmelse, personvern."),
    )
    conclusion = models.TextField(_("konklusjon"))
    advice = models.CharField(_("anbefaling"), max_length=20, choices=Advice.choices)
    certainty = models.CharField(
        _("sikkerhet i konklusjonen"), max_length=12, choices=Certainty.choices
    )
    working_group = models.CharField(
        _("arbeidsgruppe"),
        max_length=300,
        blank=True,
        help_text=_("Rollene som deltok, for eksempel «psykolog, to miljøterapeuter, leder»."),
    )
    completed_on = models.DateField(_("ferdig dato"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mini-metodevurdering")
        verbose_name_plural = _("mini-metodevurderinger")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class EthicsReflection(models.Model):
    """One ethical reflection after the six steps, attached to a case or to a decision.

    ``legacy_text`` holds the free text a case had before reflections existed (migration
    0002); such a reflection has the steps empty.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "priorities.PrioritizationCase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ethics_reflections",
    )
    decision = models.ForeignKey(
        "cases.ServiceDecision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ethics_reflections",
    )
    situation = models.TextField(
        _("1. Situasjonen"),
        help_text=_("Hva har skjedd, og hvilke fakta kjenner vi? Hva vet vi ikke?"),
    )
    question = models.TextField(
        _("2. Det etiske spørsmålet"),
        help_text=_("Hva er dilemmaet? Skriv det som et spørsmål: «Bør vi … eller …?»"),
    )
    parties = models.TextField(
        _("3. Partene og deres interesser"),
        help_text=_("Hvem berøres, hva mener de, og hva står på spill for hver av dem?"),
    )
    norms = models.TextField(
        _("4. Lover, retningslinjer og verdier"),
        help_text=_("Hvilke lover, faglige råd, prinsipper og verdier gjelder her?"),
    )
    options = models.TextField(
        _("5. Handlingsalternativene"),
        help_text=_("Hvilke muligheter finnes? List dem først, vurder dem etterpå."),
    )
    choice = models.TextField(
        _("6. Valget og begrunnelsen"),
        help_text=_("Hva velges, og hvorfor? Hvilke verdier veide tyngst?"),
    )
    participants = models.CharField(
        _("deltakere"),
        max_length=300,
        blank=True,
        help_text=_("Rollene som deltok, for eksempel «leder, sykepleier, brukerrepresentant»."),
    )
    held_on = models.DateField(_("dato for refleksjonen"), null=True, blank=True)
    legacy_text = models.TextField(_("tidligere fritekst"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("etisk refleksjon")
        verbose_name_plural = _("etiske refleksjoner")
        ordering = ["held_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(case__isnull=False) & Q(decision__isnull=False)),
                name="reflection_case_or_decision",
            )
        ]

    def __str__(self) -> str:
        return self.question[:60] or str(_("etisk refleksjon"))

    @property
    def is_legacy(self) -> bool:
        return bool(self.legacy_text) and not self.question


#: The six steps: (field, title) in order.
STEPS = ("situation", "question", "parties", "norms", "options", "choice")


class ServiceArea(models.TextChoices):
    """The service area an example is about, for searching the bank."""

    MENTAL_HEALTH = "psykisk-helse-rus", _("Psykisk helse og rus")
    HOME = "hjemmetjenester", _("Hjemmetjenester")
    INSTITUTION = "institusjon", _("Institusjon og sykehjem")
    DAY = "dagtilbud", _("Dagaktivitet og dagtilbud")
    REHABILITATION = "rehabilitering", _("Habilitering og rehabilitering")
    HOUSING = "bolig", _("Bolig med oppfølging")
    DOCTORS = "legetjenester", _("Legetjenester og legevakt")
    PREVENTION = "forebygging", _("Forebygging og folkehelse")
    CHILDREN = "barn-unge", _("Barn og unge")
    OTHER = "annet", _("Annet")


class BankMembership(models.Model):
    """Whether a municipality takes part in the example bank (opted in)."""

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="example_bank"
    )
    opted_in = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.opted_in}"


class Origin(models.TextChoices):
    LOCAL = "lokal", _("Fra en kommune på denne installasjonen")
    IMPORTED = "importert", _("Importert fra en annen installasjon")


class Example(models.Model):
    """One example in the bank: a decided case, frozen as offered (or as imported).

    ``content`` is the example as the file format's ``example`` object (docs/reference/
    knowledge.md); the searchable codes are also kept as columns. ``municipality`` is the
    local municipality that offered it (none for an imported one, which names its own
    municipality in ``municipality_name`` and ``municipality_number``).
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField(max_length=40, unique=True, default=new_token)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.LOCAL)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "priorities.PrioritizationCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="examples",
    )
    source_id = models.UUIDField(
        null=True, blank=True, unique=True, help_text="The example's id in the file it came from."
    )
    municipality_name = models.CharField(max_length=200)
    municipality_number = models.CharField(max_length=4)
    title = models.CharField(max_length=200)
    service_area = models.CharField(max_length=20, choices=ServiceArea.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    content = models.JSONField()
    offered_at = models.DateTimeField(auto_now_add=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("eksempel")
        verbose_name_plural = _("eksempler")
        ordering = ["-offered_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.unpublished_at is None
