"""Individual decisions (enkeltvedtak) on municipal health and care services, and complaints.

A :class:`ServiceDecision` is one vedtak granting one service to one person: which service,
how much, from and to when, from which unit, on which legal basis and for which reasons
(forvaltningsloven §§ 24–25). Everything about a decision is personal data: a request reads a
decision only through :mod:`losen.apps.cases.access`, which checks the care relation to the
decision's person and writes the read to the audit log.

Decisions that are *running* (issued or under complaint, and valid on the day) are the ones a
cut in services touches; reversing or ending them is a change under forvaltningsloven § 35, so
every change of status is kept in :class:`StatusChange` with its note.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.apps.common.locking import Versioned


class ServiceKind(models.TextChoices):
    """The kind of service a decision grants. The codes are a contract: do not rename them.

    Helse- og omsorgstjenesteloven (hol) § 3-2 første ledd nr. 6 a–c, § 3-2 første ledd nr. 7
    (day activities for people with dementia), § 3-6 (help to those with heavy care work) and
    § 3-8 (BPA); housing follow-up is given as services under § 3-2 nr. 6 in a dwelling the
    municipality helps with under § 3-7.
    """

    # hol § 3-2 første ledd nr. 6 a
    HELSETJENESTER_I_HJEMMET = "helsetjenester-i-hjemmet", _("Helsetjenester i hjemmet")
    # hol § 3-2 første ledd nr. 6 b (personlig assistanse)
    PRAKTISK_BISTAND = "praktisk-bistand", _("Praktisk bistand")
    OPPLAERING = "opplaering", _("Opplæring i dagliglivets gjøremål")
    STOTTEKONTAKT = "stottekontakt", _("Støttekontakt")
    # hol § 3-8, pasient- og brukerrettighetsloven § 2-1 d
    BPA = "bpa", _("Brukerstyrt personlig assistanse (BPA)")
    # hol § 3-2 første ledd nr. 6 c
    LANGTIDSOPPHOLD = "langtidsopphold", _("Langtidsopphold i institusjon (sykehjem)")
    KORTTIDSOPPHOLD = "korttidsopphold", _("Korttidsopphold i institusjon")
    # hol § 3-6 første ledd nr. 2
    AVLASTNING = "avlastning", _("Avlastning")
    # hol § 3-2 første ledd nr. 7 (demens) and nr. 6 b
    DAGAKTIVITETSTILBUD = "dagaktivitetstilbud", _("Dagaktivitetstilbud")
    # hol § 3-6 første ledd nr. 3
    OMSORGSSTONAD = "omsorgsstonad", _("Omsorgsstønad")
    # hol § 3-2 første ledd nr. 6 in a dwelling under § 3-7
    BOLIG_MED_BEMANNING = "bolig-med-bemanning", _("Bolig med bemanning og boligoppfølging")
    ANNET = "annet", _("Annen tjeneste")


def in_sentence(label: str) -> str:
    """A label as it stands inside a sentence: «Praktisk bistand» → «praktisk bistand».

    Only a capital first letter followed by a small one is lowered, so abbreviations and
    names stay as written («BPA», «Brukerstyrt personlig assistanse (BPA)» → «brukerstyrt …»).
    """
    text = str(label)
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


class Outcome(models.TextChoices):
    """What the decision gives. The codes are a contract: do not rename them.

    A refusal and a partial grant are decisions too, with reasons and a right to complain
    (forvaltningsloven §§ 24–25 and 27; pasient- og brukerrettighetsloven § 7-2).
    """

    INNVILGET = "innvilget", _("Innvilget")
    DELVIS_INNVILGET = "delvis-innvilget", _("Delvis innvilget")
    AVSLAG = "avslag", _("Avslag")


#: Outcomes that give the person a service.
GRANTING_OUTCOMES = frozenset({Outcome.INNVILGET, Outcome.DELVIS_INNVILGET})

#: Weeks to complain from the day the decision was received (pasient- og
#: brukerrettighetsloven § 7-2); a municipality may set another number in its settings.
DEFAULT_COMPLAINT_WEEKS = 4


class DecisionStatus(models.TextChoices):
    """Where a decision stands. The codes are a contract: do not rename them."""

    UTKAST = "utkast", _("Utkast")
    FATTET = "fattet", _("Fattet")
    PAKLAGET = "paklaget", _("Påklaget")
    OMGJORT = "omgjort", _("Omgjort")
    AVSLUTTET = "avsluttet", _("Avsluttet")


#: Statuses in which a decision gives the person a service (a cut may touch it).
RUNNING_STATUSES = frozenset({DecisionStatus.FATTET, DecisionStatus.PAKLAGET})

DEFAULT_LEGAL_BASIS = "helse- og omsorgstjenesteloven § 3-2"


class ServiceDecisionQuerySet(models.QuerySet):
    def running(self, on: dt.date | None = None):
        """Decisions issued or under complaint that are valid on *on* (default today)."""
        on = on or timezone.localdate()
        return self.filter(
            status__in=RUNNING_STATUSES, outcome__in=GRANTING_OUTCOMES, valid_from__lte=on
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def waiting(self):
        """Granted and issued (or under complaint) but not yet served: the waiting list."""
        return self.filter(
            status__in=RUNNING_STATUSES, outcome__in=GRANTING_OUTCOMES, served_from__isnull=True
        ).exclude(waiting_since__isnull=True)


class ServiceDecision(Versioned):
    """One vedtak on one service for one person: a grant, a partial grant or a refusal.

    A decision made from an application points to the service applied for
    (:class:`~losen.apps.cases.models.applications.AppliedService`) and to the version of the
    assessment it rests on; decisions registered before applications were kept have neither.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="service_decisions"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="service_decisions"
    )
    reference = models.CharField(
        _("saksnummer"), max_length=40, help_text=_("For eksempel 2025/1234.")
    )
    service = models.CharField(_("tjeneste"), max_length=40, choices=ServiceKind.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.RESTRICT,
        related_name="service_decisions",
        verbose_name=_("enhet som gir tjenesten"),
    )
    application = models.ForeignKey(
        "cases.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("søknad"),
    )
    applied_service = models.OneToOneField(
        "cases.AppliedService",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("tjenesten det ble søkt om"),
    )
    assessment = models.ForeignKey(
        "cases.ServiceAssessment",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("vurderingen vedtaket bygger på"),
    )
    outcome = models.CharField(
        _("utfall"), max_length=20, choices=Outcome.choices, default=Outcome.INNVILGET
    )
    refused_part = models.TextField(
        _("det som ikke innvilges"),
        blank=True,
        help_text=_("Ved delvis innvilgelse: hva av søknaden som ikke innvilges, og hvorfor."),
    )
    applied_for = models.TextField(_("hva det ble søkt om"), blank=True)
    scope = models.CharField(
        _("omfang"), max_length=200, blank=True, help_text=_("For eksempel «6 timer per uke».")
    )
    hours_per_week = models.DecimalField(
        _("timer per uke"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(
        _("gjelder fra"), null=True, blank=True, help_text=_("Tom ved avslag.")
    )
    valid_to = models.DateField(
        _("gjelder til"), null=True, blank=True, help_text=_("Tom for vedtak uten sluttdato.")
    )
    review_on = models.DateField(_("ny vurdering"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.UTKAST
    )
    legal_basis = models.CharField(_("hjemmel"), max_length=300, default=DEFAULT_LEGAL_BASIS)
    facts = models.TextField(_("faktiske forhold"), blank=True)
    reasons = models.TextField(_("hovedhensyn"), blank=True)
    complaint_weeks = models.PositiveSmallIntegerField(
        _("klagefrist i uker"), default=DEFAULT_COMPLAINT_WEEKS
    )
    complaint_to = models.CharField(
        _("klagen sendes til"),
        max_length=300,
        blank=True,
        help_text=_("Hvor og hvordan klagen sendes, for eksempel tildelingskontorets adresse."),
    )
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    notified_on = models.DateField(
        _("sendt til parten"),
        null=True,
        blank=True,
        help_text=_("Dagen vedtaket ble sendt; klagefristen regnes fra da parten mottok det."),
    )
    waiting_since = models.DateField(
        _("på venteliste fra"),
        null=True,
        blank=True,
        help_text=_("Innvilget, men tjenesten eller plassen er ikke gitt ennå."),
    )
    served_from = models.DateField(_("tjenesten gitt fra"), null=True, blank=True)
    like_cases = models.JSONField(
        _("like saker sammenlignet"),
        default=list,
        blank=True,
        help_text="[{decision: external id, distance: 0..1}] when the draft was compared",
    )
    like_case_departure = models.JSONField(
        _("avvik fra like saker"),
        default=list,
        blank=True,
        help_text="Facts (code, params) saying how the draft departs from like cases",
    )
    like_case_reason = models.TextField(
        _("begrunnelse for avvik fra like saker"),
        blank=True,
        help_text=_("Kreves når utfallet eller omfanget avviker fra lignende saker."),
    )
    decided_at = models.DateField(_("vedtaksdato"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fattet av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["-valid_from", "reference"]
        indexes = [
            models.Index(
                fields=["municipality", "unit", "status"], name="cases_decision_unit_status"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="cases_decision_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="cases_decision_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        # No name: str() ends up in logs and admin messages.
        return f"vedtak {self.external_id}"

    @property
    def is_flagged(self) -> bool:
        """Whether the draft departed from like cases when it was compared."""
        return bool(self.like_case_departure)

    def is_running(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status in RUNNING_STATUSES
            and self.outcome in GRANTING_OUTCOMES
            and self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
        )


class Event(models.TextChoices):
    """What happened to a decision, as kept in its history. The codes are a contract."""

    STATUS = "status", _("Statusendring")
    KLAGE_MOTTATT = "klage-mottatt", _("Klage mottatt")
    KLAGE_VURDERT = "klage-vurdert", _("Kommunen har vurdert klagen")
    KLAGE_OVERSENDT = "klage-oversendt", _("Klagen er sendt til Statsforvalteren")
    STATSFORVALTER_AVGJORT = "statsforvalter-avgjort", _("Statsforvalteren har avgjort klagen")
    VENTELISTE = "venteliste", _("Endring på ventelisten")


class StatusChange(models.Model):
    """One event in a decision's history, with the note that explains it (never overwritten).

    A change of status has ``from_status != to_status``; other events (a complaint received,
    reviewed, sent on; a change on the waiting list) keep the status and name the event.
    """

    decision = models.ForeignKey(
        ServiceDecision, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    event = models.CharField(max_length=30, choices=Event.choices, default=Event.STATUS)
    note = models.TextField(_("begrunnelse"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statusendring")
        verbose_name_plural = _("statusendringer")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.from_status} → {self.to_status}"


class ReviewOutcome(models.TextChoices):
    """The municipality's own review of a complaint (forvaltningsloven § 33). A contract."""

    OPPRETTHOLDT = "opprettholdt", _("Vedtaket opprettholdes")
    OMGJORT_HELT = "omgjort-helt", _("Vedtaket endres i samsvar med klagen")
    OMGJORT_DELVIS = "omgjort-delvis", _("Vedtaket endres delvis")


class AuthorityOutcome(models.TextChoices):
    """Statsforvalteren's decision on a complaint that was sent on. A contract."""

    STADFESTET = "stadfestet", _("Stadfestet")
    ENDRET = "endret", _("Endret")
    OPPHEVET = "opphevet", _("Opphevet og sendt tilbake")


class ComplaintStatus(models.TextChoices):
    """Where a complaint stands. The codes are a contract."""

    MOTTATT = "mottatt", _("Mottatt, til vurdering i kommunen")
    AVVIST = "avvist", _("Avvist: kom for sent og tas ikke opp")
    OMGJORT = "omgjort", _("Avgjort i kommunen: vedtaket er endret")
    OVERSENDT = "oversendt", _("Sendt til Statsforvalteren")
    AVGJORT = "avgjort", _("Avgjort av Statsforvalteren")


class Complaint(Versioned):
    """A complaint (klage) against a decision and how it was handled.

    The municipality reviews first (forvaltningsloven § 33); when it keeps its decision in full
    or in part the case goes to Statsforvalteren (pasient- og brukerrettighetsloven § 7-2). A
    complaint after the deadline may still be taken up (forvaltningsloven § 31), with the reason.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        ServiceDecision, on_delete=models.CASCADE, related_name="complaints"
    )
    received_on = models.DateField(_("klagen mottatt"))
    from_whom = models.CharField(
        _("klager"),
        max_length=200,
        help_text=_("Parten selv, eller navnet på verge, fullmektig eller pårørende."),
    )
    summary = models.TextField(_("hva klagen gjelder"))
    is_late = models.BooleanField(_("kom etter fristen"), default=False)
    late_reason = models.TextField(
        _("hvorfor klagen tas opp likevel"),
        blank=True,
        help_text=_("Kreves når klagen kom etter fristen og likevel tas opp."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.MOTTATT
    )
    review_outcome = models.CharField(
        _("kommunens vurdering"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    reviewed_on = models.DateField(_("vurdert"), null=True, blank=True)
    review_reasons = models.TextField(_("begrunnelse for vurderingen"), blank=True)
    forwarded_on = models.DateField(_("sendt til Statsforvalteren"), null=True, blank=True)
    authority_outcome = models.CharField(
        _("Statsforvalterens avgjørelse"),
        max_length=20,
        choices=AuthorityOutcome.choices,
        blank=True,
    )
    authority_decided_on = models.DateField(_("Statsforvalteren avgjorde"), null=True, blank=True)
    authority_note = models.TextField(_("merknad om avgjørelsen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"klage {self.external_id}"
