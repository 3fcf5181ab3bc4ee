# The caseworker's work: applications, allocation criteria, assessments, outcomes, complaints.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _refuse_going_back_with_refusals(apps, schema_editor):
    """Before this migration every decision had a start date; a refusal has none. Going back
    would have to invent dates or delete decisions, so it is refused, saying why."""
    decision = apps.get_model("cases", "ServiceDecision")
    undated = decision.objects.filter(valid_from__isnull=True).count()
    if undated:
        raise migrations.exceptions.IrreversibleError(
            f"cases 0003 cannot be unapplied: {undated} decisions have no start date "
            "(refusals); before 0003 every decision needed one. Delete or date them first."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_rate_window"),
        ("cases", "0002_lock_version"),
        ("persons", "0002_emergency_access_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="servicedecision",
            name="complaint_to",
            field=models.CharField(
                blank=True,
                help_text="Hvor og hvordan klagen sendes, for eksempel tildelingskontorets adresse.",
                max_length=300,
                verbose_name="klagen sendes til",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="complaint_weeks",
            field=models.PositiveSmallIntegerField(default=4, verbose_name="klagefrist i uker"),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="contact_person",
            field=models.CharField(blank=True, max_length=200, verbose_name="kontaktperson"),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="like_case_departure",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Facts (code, params) saying how the draft departs from like cases",
                verbose_name="avvik fra like saker",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="like_case_reason",
            field=models.TextField(
                blank=True,
                help_text="Kreves når utfallet eller omfanget avviker fra lignende saker.",
                verbose_name="begrunnelse for avvik fra like saker",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="like_cases",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="[{decision: external id, distance: 0..1}] when the draft was compared",
                verbose_name="like saker sammenlignet",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="notified_on",
            field=models.DateField(
                blank=True,
                help_text="Dagen vedtaket ble sendt; klagefristen regnes fra da parten mottok det.",
                null=True,
                verbose_name="sendt til parten",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("innvilget", "Innvilget"),
                    ("delvis-innvilget", "Delvis innvilget"),
                    ("avslag", "Avslag"),
                ],
                default="innvilget",
                max_length=20,
                verbose_name="utfall",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="refused_part",
            field=models.TextField(
                blank=True,
                help_text="Ved delvis innvilgelse: hva av søknaden som ikke innvilges, og hvorfor.",
                verbose_name="det som ikke innvilges",
            ),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="served_from",
            field=models.DateField(blank=True, null=True, verbose_name="tjenesten gitt fra"),
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="waiting_since",
            field=models.DateField(
                blank=True,
                help_text="Innvilget, men tjenesten eller plassen er ikke gitt ennå.",
                null=True,
                verbose_name="på venteliste fra",
            ),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="event",
            field=models.CharField(
                choices=[
                    ("status", "Statusendring"),
                    ("klage-mottatt", "Klage mottatt"),
                    ("klage-vurdert", "Kommunen har vurdert klagen"),
                    ("klage-oversendt", "Klagen er sendt til Statsforvalteren"),
                    ("statsforvalter-avgjort", "Statsforvalteren har avgjort klagen"),
                    ("venteliste", "Endring på ventelisten"),
                ],
                default="status",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="servicedecision",
            name="scope",
            field=models.CharField(
                blank=True,
                help_text="For eksempel «6 timer per uke».",
                max_length=200,
                verbose_name="omfang",
            ),
        ),
        migrations.AlterField(
            model_name="servicedecision",
            name="valid_from",
            field=models.DateField(
                blank=True, help_text="Tom ved avslag.", null=True, verbose_name="gjelder fra"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, _refuse_going_back_with_refusals),
        migrations.CreateModel(
            name="AllocationCriteria",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("external_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "service",
                    models.CharField(
                        choices=[
                            ("helsetjenester-i-hjemmet", "Helsetjenester i hjemmet"),
                            ("praktisk-bistand", "Praktisk bistand"),
                            ("opplaering", "Opplæring i dagliglivets gjøremål"),
                            ("stottekontakt", "Støttekontakt"),
                            ("bpa", "Brukerstyrt personlig assistanse (BPA)"),
                            ("langtidsopphold", "Langtidsopphold i institusjon (sykehjem)"),
                            ("korttidsopphold", "Korttidsopphold i institusjon"),
                            ("avlastning", "Avlastning"),
                            ("dagaktivitetstilbud", "Dagaktivitetstilbud"),
                            ("omsorgsstonad", "Omsorgsstønad"),
                            ("bolig-med-bemanning", "Bolig med bemanning og boligoppfølging"),
                            ("annet", "Annen tjeneste"),
                        ],
                        max_length=40,
                        verbose_name="tjeneste",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="versjon")),
                ("title", models.CharField(max_length=200, verbose_name="tittel")),
                ("introduction", models.TextField(blank=True, verbose_name="innledning")),
                (
                    "regulation",
                    models.CharField(
                        blank=True,
                        help_text="For langtidsopphold: kommunens forskrift etter helse- og omsorgstjenesteloven § 3-2 a, med navn og lenke.",
                        max_length=300,
                        verbose_name="lokal forskrift",
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="gjelder fra")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="gjelder til")),
                ("is_published", models.BooleanField(default=True, verbose_name="publisert")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="allocation_criteria",
                        to="accounts.municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "tildelingskriterier",
                "verbose_name_plural": "tildelingskriterier",
                "ordering": ["service", "-version"],
            },
        ),
        migrations.CreateModel(
            name="AllocationCriterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("text", models.TextField(max_length=2000, verbose_name="kriterium")),
                (
                    "criteria",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="cases.allocationcriteria",
                    ),
                ),
            ],
            options={
                "verbose_name": "tildelingskriterium",
                "verbose_name_plural": "tildelingskriterier",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Application",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "lock_version",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="Øker med én for hver lagring; brukes for å hindre at endringer går tapt.",
                        verbose_name="versjon",
                    ),
                ),
                ("external_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "reference",
                    models.CharField(
                        help_text="For eksempel 2026/1234.",
                        max_length=40,
                        verbose_name="saksnummer",
                    ),
                ),
                ("received_on", models.DateField(verbose_name="mottatt")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("digital", "Digitalt skjema"),
                            ("papir", "Brev eller papirskjema"),
                            ("telefon", "Telefon"),
                            ("mote", "Møte eller samtale"),
                            ("henvisning", "Henvisning fra fastlege, sykehus eller annen tjeneste"),
                            ("annet", "Annet"),
                        ],
                        max_length=20,
                        verbose_name="kom inn som",
                    ),
                ),
                (
                    "in_own_words",
                    models.TextField(
                        help_text="Skriv det søkeren ber om slik søkeren sa eller skrev det.",
                        verbose_name="hva det søkes om, med søkerens egne ord",
                    ),
                ),
                (
                    "representative_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Ingen"),
                            ("verge", "Verge"),
                            ("fullmektig", "Fullmektig"),
                            ("parorende", "Pårørende"),
                        ],
                        max_length=20,
                        verbose_name="representant",
                    ),
                ),
                (
                    "representative_name",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="representantens navn"
                    ),
                ),
                (
                    "representative_contact",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        verbose_name="representantens kontaktinformasjon",
                    ),
                ),
                (
                    "postal_address",
                    models.TextField(
                        blank=True,
                        help_text="Adressen brevene sendes til.",
                        verbose_name="postadresse for brev",
                    ),
                ),
                (
                    "letter_language",
                    models.CharField(
                        choices=[("nb", "Bokmål"), ("nn", "Nynorsk")],
                        default="nb",
                        help_text="Bokmål eller nynorsk, slik søkeren ønsker.",
                        max_length=2,
                        verbose_name="målform i brev",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("mottatt", "Mottatt"),
                            ("under-behandling", "Under behandling"),
                            ("avgjort", "Avgjort"),
                            ("trukket", "Trukket"),
                        ],
                        default="mottatt",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "expected_decision_on",
                    models.DateField(blank=True, null=True, verbose_name="forventet vedtaksdato"),
                ),
                (
                    "preliminary_reply_on",
                    models.DateField(
                        blank=True,
                        help_text="Forvaltningsloven § 11 a: når saken tar mer enn en måned.",
                        null=True,
                        verbose_name="foreløpig svar sendt",
                    ),
                ),
                (
                    "preliminary_reply_reason",
                    models.TextField(
                        blank=True,
                        help_text="Står i det foreløpige svaret.",
                        verbose_name="hvorfor saken tar tid",
                    ),
                ),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="avsluttet")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "caseworker",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="saksbehandler",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="applications",
                        to="accounts.municipality",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="applications",
                        to="persons.person",
                        verbose_name="søker",
                    ),
                ),
            ],
            options={
                "verbose_name": "søknad",
                "verbose_name_plural": "søknader",
                "ordering": ["-received_on", "reference"],
            },
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decisions",
                to="cases.application",
                verbose_name="søknad",
            ),
        ),
        migrations.CreateModel(
            name="AppliedService",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("external_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "service",
                    models.CharField(
                        choices=[
                            ("helsetjenester-i-hjemmet", "Helsetjenester i hjemmet"),
                            ("praktisk-bistand", "Praktisk bistand"),
                            ("opplaering", "Opplæring i dagliglivets gjøremål"),
                            ("stottekontakt", "Støttekontakt"),
                            ("bpa", "Brukerstyrt personlig assistanse (BPA)"),
                            ("langtidsopphold", "Langtidsopphold i institusjon (sykehjem)"),
                            ("korttidsopphold", "Korttidsopphold i institusjon"),
                            ("avlastning", "Avlastning"),
                            ("dagaktivitetstilbud", "Dagaktivitetstilbud"),
                            ("omsorgsstonad", "Omsorgsstønad"),
                            ("bolig-med-bemanning", "Bolig med bemanning og boligoppfølging"),
                            ("annet", "Annen tjeneste"),
                        ],
                        max_length=40,
                        verbose_name="tjeneste",
                    ),
                ),
                (
                    "requested_scope",
                    models.CharField(
                        blank=True,
                        help_text="Hvis søknaden sier det.",
                        max_length=200,
                        verbose_name="omfang det søkes om",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="services",
                        to="cases.application",
                    ),
                ),
            ],
            options={
                "verbose_name": "tjeneste det søkes om",
                "verbose_name_plural": "tjenester det søkes om",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="applied_service",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decision",
                to="cases.appliedservice",
                verbose_name="tjenesten det ble søkt om",
            ),
        ),
        migrations.CreateModel(
            name="CaseworkSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "office_name",
                    models.CharField(
                        default="Tildelingskontoret",
                        max_length=200,
                        verbose_name="tildelingskontorets navn",
                    ),
                ),
                (
                    "complaint_weeks",
                    models.PositiveSmallIntegerField(
                        default=4,
                        help_text="Pasient- og brukerrettighetsloven § 7-2: fire uker.",
                        verbose_name="klagefrist i uker",
                    ),
                ),
                (
                    "complaint_to",
                    models.CharField(
                        blank=True,
                        help_text="Adresse for klager.",
                        max_length=300,
                        verbose_name="klagen sendes til",
                    ),
                ),
                (
                    "decision_within_days",
                    models.PositiveSmallIntegerField(
                        default=28,
                        help_text="Brukes for forventet vedtaksdato når saken registreres.",
                        verbose_name="forventet saksbehandlingstid i dager",
                    ),
                ),
                (
                    "municipality",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="casework_settings",
                        to="accounts.municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "innstillinger for tildeling",
                "verbose_name_plural": "innstillinger for tildeling",
            },
        ),
        migrations.CreateModel(
            name="Complaint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "lock_version",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="Øker med én for hver lagring; brukes for å hindre at endringer går tapt.",
                        verbose_name="versjon",
                    ),
                ),
                ("external_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("received_on", models.DateField(verbose_name="klagen mottatt")),
                (
                    "from_whom",
                    models.CharField(
                        help_text="Parten selv, eller navnet på verge, fullmektig eller pårørende.",
                        max_length=200,
                        verbose_name="klager",
                    ),
                ),
                ("summary", models.TextField(verbose_name="hva klagen gjelder")),
                ("is_late", models.BooleanField(default=False, verbose_name="kom etter fristen")),
                (
                    "late_reason",
                    models.TextField(
                        blank=True,
                        help_text="Kreves når klagen kom etter fristen og likevel tas opp.",
                        verbose_name="hvorfor klagen tas opp likevel",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("mottatt", "Mottatt, til vurdering i kommunen"),
                            ("avvist", "Avvist: kom for sent og tas ikke opp"),
                            ("omgjort", "Avgjort i kommunen: vedtaket er endret"),
                            ("oversendt", "Sendt til Statsforvalteren"),
                            ("avgjort", "Avgjort av Statsforvalteren"),
                        ],
                        default="mottatt",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "review_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("opprettholdt", "Vedtaket opprettholdes"),
                            ("omgjort-helt", "Vedtaket endres i samsvar med klagen"),
                            ("omgjort-delvis", "Vedtaket endres delvis"),
                        ],
                        max_length=20,
                        verbose_name="kommunens vurdering",
                    ),
                ),
                ("reviewed_on", models.DateField(blank=True, null=True, verbose_name="vurdert")),
                (
                    "review_reasons",
                    models.TextField(blank=True, verbose_name="begrunnelse for vurderingen"),
                ),
                (
                    "forwarded_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="sendt til Statsforvalteren"
                    ),
                ),
                (
                    "authority_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("stadfestet", "Stadfestet"),
                            ("endret", "Endret"),
                            ("opphevet", "Opphevet og sendt tilbake"),
                        ],
                        max_length=20,
                        verbose_name="Statsforvalterens avgjørelse",
                    ),
                ),
                (
                    "authority_decided_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="Statsforvalteren avgjorde"
                    ),
                ),
                (
                    "authority_note",
                    models.TextField(blank=True, verbose_name="merknad om avgjørelsen"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaints",
                        to="cases.servicedecision",
                    ),
                ),
            ],
            options={
                "verbose_name": "klage",
                "verbose_name_plural": "klager",
                "ordering": ["received_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ServiceAssessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("external_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("version", models.PositiveIntegerField(verbose_name="versjon")),
                (
                    "function",
                    models.JSONField(blank=True, default=dict, verbose_name="funksjonsvurdering"),
                ),
                (
                    "what_matters",
                    models.TextField(
                        blank=True,
                        help_text="Med personens egne ord.",
                        verbose_name="hva er viktig for deg?",
                    ),
                ),
                (
                    "user_view",
                    models.TextField(
                        blank=True,
                        help_text="Pasient- og brukerrettighetsloven § 3-1: medvirkning.",
                        verbose_name="personens syn på tjenestetilbudet",
                    ),
                ),
                (
                    "combined",
                    models.JSONField(blank=True, default=dict, verbose_name="samlet vurdering"),
                ),
                (
                    "urgency",
                    models.CharField(
                        choices=[
                            ("akutt", "Akutt"),
                            ("innen-dager", "Innen dager"),
                            ("innen-uker", "Innen uker"),
                            ("kan-planlegges", "Kan planlegges"),
                        ],
                        max_length=20,
                        verbose_name="hastegrad",
                    ),
                ),
                (
                    "necessary_help",
                    models.CharField(
                        choices=[
                            ("ja", "Ja, har behov for nødvendige helse- og omsorgstjenester"),
                            ("delvis", "Delvis"),
                            ("nei", "Nei"),
                        ],
                        max_length=10,
                        verbose_name="behov for nødvendige helse- og omsorgstjenester",
                    ),
                ),
                (
                    "necessary_help_reasoning",
                    models.TextField(verbose_name="begrunnelse for behovet"),
                ),
                (
                    "forsvarlighet",
                    models.TextField(
                        help_text="Helse- og omsorgstjenesteloven § 4-1: hvorfor tilbudet er forsvarlig.",
                        verbose_name="forsvarlighet",
                    ),
                ),
                (
                    "right_basis",
                    models.CharField(
                        default="pasient- og brukerrettighetsloven § 2-1 a",
                        help_text="Rettigheten loven gir, for eksempel pasient- og brukerrettighetsloven § 2-1 a.",
                        max_length=300,
                        verbose_name="rettighet",
                    ),
                ),
                (
                    "alternatives",
                    models.TextField(
                        blank=True,
                        help_text="Andre tjenester eller løsninger som ble vurdert, og hvorfor de ikke ble valgt.",
                        verbose_name="alternativer som er vurdert",
                    ),
                ),
                ("assessed_at", models.DateTimeField()),
                (
                    "applied_service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assessments",
                        to="cases.appliedservice",
                    ),
                ),
                (
                    "assessed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "criteria",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="cases.allocationcriteria",
                        verbose_name="tildelingskriterier som gjaldt",
                    ),
                ),
            ],
            options={
                "verbose_name": "vurdering",
                "verbose_name_plural": "vurderinger",
                "ordering": ["applied_service", "-version"],
            },
        ),
        migrations.CreateModel(
            name="CriterionCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "met",
                    models.CharField(
                        choices=[
                            ("oppfylt", "Oppfylt"),
                            ("delvis", "Delvis oppfylt"),
                            ("ikke-oppfylt", "Ikke oppfylt"),
                            ("ikke-relevant", "Ikke relevant"),
                        ],
                        max_length=20,
                        verbose_name="oppfylt",
                    ),
                ),
                ("why", models.TextField(verbose_name="hvorfor")),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checks",
                        to="cases.allocationcriterion",
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="criterion_checks",
                        to="cases.serviceassessment",
                    ),
                ),
            ],
            options={
                "verbose_name": "vurdering av kriterium",
                "verbose_name_plural": "vurderinger av kriterier",
            },
        ),
        migrations.AddField(
            model_name="servicedecision",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cases.serviceassessment",
                verbose_name="vurderingen vedtaket bygger på",
            ),
        ),
        migrations.AddConstraint(
            model_name="allocationcriteria",
            constraint=models.UniqueConstraint(
                fields=("municipality", "service", "version"),
                name="cases_allocation_criteria_version_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="allocationcriteria",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="cases_allocation_criteria_valid_to_after_from",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["municipality", "status"], name="cases_application_status"),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                fields=("municipality", "reference"), name="cases_application_reference_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="appliedservice",
            constraint=models.UniqueConstraint(
                fields=("application", "service"), name="cases_applied_service_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceassessment",
            constraint=models.UniqueConstraint(
                fields=("applied_service", "version"), name="cases_assessment_version_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="criterioncheck",
            constraint=models.UniqueConstraint(
                fields=("assessment", "criterion"), name="cases_criterion_check_unique"
            ),
        ),
    ]
