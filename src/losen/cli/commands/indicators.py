"""Management information (styringsinformasjon): import, export, fetch and templates.

``losen indicators import FILE`` stores a statistics file (JSON-stat 2.0, SSB CSV export,
template, or our own export) whole or not at all; ``export`` writes a stored table back;
``fetch`` asks SSB's PxWebApi or FHI's API and stores the answer; ``template`` writes an empty
import template; ``profile`` sets the KOSTRA group a municipality is compared with. See
``docs/reference/indicators-cli.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from losen.cli import EXIT_BAD_INPUT, EXIT_OK, CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "indicators",
        help="styringsinformasjon: importer, eksporter og hent statistikk fra SSB og FHI",
    )
    actions = parser.add_subparsers(title="handlinger", metavar="HANDLING")

    imp = actions.add_parser(
        "import", help="importer en fil (JSON-stat, SSB-CSV, mal, eksport); alt eller ingenting"
    )
    imp.add_argument("file", metavar="FIL", type=Path)
    imp.add_argument("--source", help="kilde når fila ikke sier det (FHI, SSB, …)")
    imp.add_argument("--table", help="tabell-id når fila ikke sier det")
    imp.add_argument(
        "--municipality",
        metavar="KOMMUNENUMMER",
        help="lagre som kommunens egne tall; uten dette lagres tallene som nasjonale",
    )
    imp.set_defaults(handler=import_command)

    exp = actions.add_parser("export", help="skriv en lagret tabell som CSV eller JSON")
    exp.add_argument("--table", required=True, metavar="ID")
    exp.add_argument("--format", required=True, choices=["csv", "json"])
    exp.add_argument("--source", help="bare denne kilden")
    exp.add_argument(
        "--municipality",
        metavar="KOMMUNENUMMER",
        help="ta med kommunens egne tall (og de nasjonale)",
    )
    exp.add_argument("--output", "-o", type=Path, help="fil å skrive til (ellers standard ut)")
    exp.set_defaults(handler=export_command)

    fetch = actions.add_parser(
        "fetch", help="hent en tabell fra SSB (PxWebApi v2/v1) eller FHI og lagre den"
    )
    fetch.add_argument("--table", required=True, metavar="ID")
    fetch.add_argument("--source", choices=["SSB", "FHI"], default="SSB")
    fetch.add_argument("--api", choices=["v2", "v1"], default="v2", help="SSBs API-versjon")
    fetch.add_argument("--fhi-source", default="nokkel", help="FHIs kilde-id (nokkel, kpr …)")
    fetch.add_argument("--region", nargs="+", metavar="KODE", help="regionkoder (ellers alle)")
    fetch.add_argument(
        "--years", nargs="+", metavar="ÅR", help="perioder, for eksempel 2022 2023 eller top(5)"
    )
    fetch.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="VARIABEL=KODE,KODE",
        help="utvalg for en annen variabel; variabler som ikke nevnes hentes med alle koder",
    )
    fetch.add_argument("--municipality", metavar="KOMMUNENUMMER")
    fetch.add_argument(
        "--dry-run", action="store_true", help="hent og kontroller, men lagre ingenting"
    )
    fetch.set_defaults(handler=fetch_command)

    harmonise = actions.add_parser(
        "harmonise",
        help="vis en lagret serie på dagens kommunegrenser, med metoden for hvert tall",
    )
    harmonise.add_argument("--table", required=True, metavar="ID")
    harmonise.add_argument("--contents", required=True, metavar="KODE", help="innholdskode")
    harmonise.add_argument(
        "--klass-changes",
        required=True,
        type=Path,
        metavar="FIL",
        help="KLASS 131 endringsliste (JSON fra /classifications/131/changes)",
    )
    harmonise.add_argument(
        "--kommsummer",
        required=True,
        type=Path,
        metavar="FIL",
        help="SSBs KommSummer-gruppering (CSV: GRUPPEKODE, GRUPPETEKST, KODE, TEKST)",
    )
    harmonise.add_argument(
        "--weights",
        type=Path,
        metavar="FIL",
        help="vekter for delte kommuner (FHIs csdata-tabell); uten dem er de ikke sammenlignbare",
    )
    harmonise.add_argument(
        "--ratio",
        action="store_true",
        help="tallet er en andel eller et forhold: beholdes ved omnummerering, ellers ikke "
        "sammenlignbart før reformen",
    )
    harmonise.add_argument("--region", nargs="+", metavar="KODE", help="bare disse (dagens koder)")
    harmonise.add_argument("--source", help="bare denne kilden")
    harmonise.add_argument("--municipality", metavar="KOMMUNENUMMER")
    harmonise.add_argument("--output", "-o", type=Path)
    harmonise.set_defaults(handler=harmonise_command)

    template = actions.add_parser("template", help="skriv en tom importmal (CSV eller XLSX)")
    template.add_argument("kind", metavar="TYPE", help="is-24-8, brukerplan eller lokal")
    template.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    template.add_argument("--output", "-o", type=Path)
    template.set_defaults(handler=template_command)

    profile = actions.add_parser(
        "profile", help="sett KOSTRA-gruppen og regionkoden en kommune sammenlignes med"
    )
    profile.add_argument("municipality", metavar="KOMMUNENUMMER")
    profile.add_argument("--kostra-group", required=True, metavar="EKGnn")
    profile.add_argument("--region-code", help="kommunens kode i statistikken (ellers nummeret)")
    profile.set_defaults(handler=profile_command)


class ProgressBar:
    """A progress bar on stderr: redrawn in place on a terminal, a line per tenth elsewhere."""

    WIDTH = 30
    PHASES = {
        "kontrollert": "kontrollert",
        "lagrer": "lagrer",
        "ferdig": "ferdig",
    }

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last: tuple[str, int] | None = None

    def __call__(self, step) -> None:
        if step.phase == "lest":  # reading is quick; a refused file then prints only problems
            return
        percent = step.percent
        shown = (step.phase, percent if self.tty else percent // 10 * 10)
        if shown == self._last:
            return
        self._last = shown
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        text = f"[{bar}] {percent:3d} % {self.PHASES.get(step.phase, step.phase)}"
        if step.total and step.phase == "lagrer":
            text += f" ({step.done}/{step.total})"
        if self.tty:
            self.stream.write("\r" + text.ljust(self.WIDTH + 40))
            if step.phase == "ferdig":
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _municipality(number: str | None):
    if number is None:
        return None
    from losen.apps.accounts.models import Municipality

    municipality = Municipality.objects.filter(number=number).first()
    if municipality is None:
        raise CommandError(f"ukjent kommunenummer {number}")
    return municipality


def _report_problems(file_name: str, problems) -> int:
    print(f"losen: {file_name}: ingenting er lagret; fila har disse feilene:", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return EXIT_BAD_INPUT


def _summary(outcome, file_name: str) -> str:
    text = (
        f"{file_name} ({outcome.format}): {outcome.in_file} observasjoner; "
        f"{outcome.created} nye, {outcome.revised} endret, {outcome.unchanged} uendret."
    )
    if outcome.batch is None:
        return text + " Ingenting ble endret."
    return text + f" Import {outcome.batch.external_id}."


def import_command(args) -> int:
    from losen.domain import safeinput
    from losen.domain.indicators import COMMAND_LINE_LIMITS

    # At most the limit (and one byte) is read, whatever the file is (a device, a pipe).
    data = safeinput.read_bytes(
        args.file, source=str(args.file), max_bytes=COMMAND_LINE_LIMITS.max_bytes
    )
    setup_django()
    from losen.apps.insight.services import import_file

    municipality = _municipality(args.municipality)
    outcome = import_file(
        actor=None,
        data=data,
        file_name=args.file.name,
        municipality=municipality,
        source=args.source,
        table=args.table,
        progress=ProgressBar(),
        limits=COMMAND_LINE_LIMITS,
    )
    if not outcome.ok:
        return _report_problems(args.file.name, outcome.problems)
    print(_summary(outcome, args.file.name))
    return EXIT_OK


def export_command(args) -> int:
    setup_django()
    from losen.apps.insight.services import export_table

    municipality = _municipality(args.municipality)
    body, count = export_table(
        actor=None,
        table=args.table,
        data_format=args.format,
        municipality=municipality,
        source=args.source,
    )
    if count == 0:
        raise CommandError(f"ingen lagrede observasjoner for tabell {args.table}")
    _write(body, args.output)
    if args.output is not None:
        print(f"Skrev {count} observasjoner fra tabell {args.table} til {args.output}.")
    return EXIT_OK


def _write(body: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(body)
            buffer.flush()
        else:  # a captured text stream (tests)
            sys.stdout.write(body.decode("utf-8"))
        return
    try:
        output.write_bytes(body)
    except OSError as error:
        raise CommandError(f"kan ikke skrive {output}: {error.strerror or error}") from error


def _read(path: Path) -> bytes:
    """A register or weights file (a few hundred kB in practice), read within a limit."""
    from losen.domain import safeinput

    return safeinput.read_bytes(path, source=str(path), max_bytes=REGISTER_FILE_BYTES)


#: The largest KLASS change list, KommSummer or weights file ``harmonise`` reads.
REGISTER_FILE_BYTES = 32 * 1024 * 1024


def harmonise_command(args) -> int:
    """Write a stored series on today's borders as CSV, each figure with how it was made.

    Counts are summed over mergers and shared out over splits by the weights given; a split
    without weights, or a missing part, gives a figure marked not comparable. With ``--ratio``
    a published ratio is kept across a renumbering and marked not comparable before a merger or
    split (recomputing a ratio needs its numerator and denominator, see indicators.md).
    """
    import io

    from losen.domain import indicators as ind
    from losen.domain.spreadsheet import csv_writer

    klass, kommsummer = _read(args.klass_changes), _read(args.kommsummer)
    weights_data = _read(args.weights) if args.weights else None
    try:
        registry = ind.load_registry(klass, kommsummer)
        weights = (
            ind.split_weights_from_csdata(weights_data, args.weights.name)
            if weights_data is not None
            else ()
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise CommandError(f"kan ikke lese kommuneregisteret eller vektene: {error}") from error
    from losen.domain.indicators.regions import load_kommsummer

    conflicts = [
        f"KLASS gir {c.code} ({c.year}) → {', '.join(c.ours) or '–'}, KommSummer {c.kommsummer}"
        for c in registry.check_against_kommsummer(load_kommsummer(kommsummer))
        if c.kind == "conflict"
    ]
    setup_django()
    from losen.apps.insight.services import domain_observations, visible_rows

    municipality = _municipality(args.municipality)
    rows = visible_rows(municipality).filter(table=args.table, contents_code=args.contents)
    if args.source:
        rows = rows.filter(source=args.source)
    observations = domain_observations(rows.order_by("ordinal", "id"))
    if not observations:
        raise CommandError(f"ingen lagrede tall for tabell {args.table}, {args.contents}")
    if args.ratio:
        result = ind.harmonise_published_ratios(observations, registry)
    else:
        result = ind.harmonise_counts(observations, registry, weights)
    wanted = set(args.region or ())
    figures = [h for h in result.observations if not wanted or h.observation.region_code in wanted]
    figures.sort(key=lambda h: (h.observation.region_code, h.observation.period))
    dims = sorted({d for h in figures for d, _ in h.observation.dimensions})
    out = io.StringIO(newline="")
    for line in ind.attribution_for({o.source for o in observations}):
        out.write(f"# {line}\r\n")
    out.write(
        f"# Regioner på {registry.current_year}-grenser (KLASS 131 og SSBs KommSummer); "
        f"{'andeler' if args.ratio else 'antall'}\r\n"
    )
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["regionkode", "periode", "verdi", "status", "sammenlignbar", "anslått", "metode"]
        + ["dim:" + d for d in dims]
    )
    for h in figures:
        obs = h.observation
        given = dict(obs.dimensions)
        writer.writerow(
            [
                obs.region_code,
                obs.period,
                "" if obs.value is None else str(obs.value),
                obs.status or "",
                "ja" if h.comparable else "nei",
                "ja" if h.estimated else "nei",
                h.method,
            ]
            + [given.get(d, "") for d in dims]
        )
    _write(out.getvalue().encode("utf-8"), args.output)
    notes = [*conflicts, *(str(n) for n in result.notes)]
    for note in notes[:NOTES_SHOWN]:
        print(f"merk: {note}", file=sys.stderr)
    if len(notes) > NOTES_SHOWN:
        print(f"merk: … og {len(notes) - NOTES_SHOWN} til av samme slag", file=sys.stderr)
    return EXIT_OK


#: Notes printed by ``harmonise`` (cells left out, registry conflicts) before a count of the rest.
NOTES_SHOWN = 10


def template_command(args) -> int:
    from losen.domain import indicators as ind

    if args.kind not in ind.TEMPLATE_KINDS:
        raise CommandError(
            f"ukjent maltype {args.kind!r}; velg en av {', '.join(sorted(ind.TEMPLATE_KINDS))}"
        )
    if args.format == "xlsx":
        if args.output is None:
            raise CommandError("XLSX skrives til en fil: gi --output FIL.xlsx")
        body = ind.template_xlsx(args.kind)
    else:
        body = ind.template_csv(args.kind)
    _write(body, args.output)
    return EXIT_OK


def make_transport():
    """The transport ``fetch`` uses; tests replace this function with a fake."""
    from losen.domain.indicators import UrllibTransport

    return UrllibTransport()


def _selection(args, variables) -> dict[str, list[str]]:
    """Turn --region, --years and --select into a selection keyed by the table's variables."""
    from losen.domain.indicators.jsonstat import REGION_DIMENSIONS, TIME_DIMENSIONS

    selection: dict[str, list[str]] = {}
    for item in args.select:
        name, sep, codes = item.partition("=")
        if not sep or not name or not codes:
            raise CommandError(f"--select {item!r}: skriv VARIABEL=KODE,KODE")
        selection[name] = [c for c in codes.split(",") if c]
    codes = [v.code for v in variables]
    region = next((c for c in codes if c in REGION_DIMENSIONS), None)
    time = next((v.code for v in variables if v.time), None) or next(
        (c for c in codes if c in TIME_DIMENSIONS), None
    )
    if args.region:
        if region is None:
            raise CommandError(f"tabell {args.table} har ingen regionvariabel ({', '.join(codes)})")
        selection[region] = list(args.region)
    if args.years:
        if time is None:
            raise CommandError(f"tabell {args.table} har ingen tidsvariabel ({', '.join(codes)})")
        selection[time] = list(args.years)
    for variable in variables:
        selection.setdefault(variable.code, ["*"])
    return selection


def make_client():
    """The client ``fetch`` uses: SSB's and FHI's published limits, retries with backoff."""
    from losen.domain.indicators import StatClient

    return StatClient(make_transport())


def fetch_command(args) -> int:
    from losen.domain import indicators as ind

    client = make_client()
    try:
        if args.source == "FHI":
            variables = client.fhi_variables(args.fhi_source, args.table)
            client.fhi_variables = lambda *_args, **_kw: variables  # read once, not twice
            bodies = client.fhi_fetch(args.fhi_source, args.table, _selection(args, variables))
        elif args.api == "v1":
            variables = _v1_variables(client, args.table)
            bodies = client.ssb_fetch_v1(args.table, _selection(args, variables))
        else:
            variables = client.ssb_variables(args.table)
            client.ssb_variables = lambda *_args, **_kw: variables  # read once, not twice
            bodies = client.ssb_fetch(args.table, _selection(args, variables))
    except ind.FetchError as error:
        raise CommandError(f"henting av tabell {args.table} feilet: {error}") from error
    except ValueError as error:  # a body that is not JSON
        raise CommandError(f"tabell {args.table}: svaret kunne ikke leses: {error}") from error
    result = ind.parse_responses(bodies, source=args.source, table=args.table)
    name = f"{args.source} {args.table} ({client.requests_sent} forespørsler)"
    if not result.ok:
        return _report_problems(name, [str(p) for p in result.problems])
    if args.dry_run:
        print(
            f"{name}: {len(result.observations)} observasjoner lest; ingenting lagret (--dry-run)."
        )
        return EXIT_OK
    setup_django()
    from losen.apps.insight.models import ImportMethod
    from losen.apps.insight.services import import_observations

    outcome = import_observations(
        actor=None,
        observations=result.observations,
        file_name=f"{args.source.lower()}-{args.table}.json",
        data_format="jsonstat2",
        municipality=_municipality(args.municipality),
        method=ImportMethod.FETCH,
        source_option=args.source,
        progress=ProgressBar(),
    )
    if not outcome.ok:
        return _report_problems(name, outcome.problems)
    print(_summary(outcome, name))
    return EXIT_OK


def _v1_variables(client, table: str):
    """v1 metadata as variables (the client reads it again when fetching; one extra request)."""
    from losen.domain.indicators import fetch
    from losen.domain.indicators.transport import HttpRequest

    url = f"{client.ssb_v1_base}/no/table/{table}"
    meta = fetch.read_json_response(client.send(HttpRequest("GET", url)), url)
    return fetch.checked_variables(url, lambda: fetch.variables_from_v1(meta))


def profile_command(args) -> int:
    setup_django()
    from losen.apps.insight.services import set_comparison_profile

    municipality = _municipality(args.municipality)
    if municipality is None:
        raise CommandError(f"ukjent kommunenummer {args.municipality}")
    try:
        profile = set_comparison_profile(
            actor=None,
            municipality=municipality,
            kostra_group=args.kostra_group,
            region_code=args.region_code,
        )
    except ValueError as error:
        raise CommandError(str(error)) from error
    print(
        f"{municipality.name} ({profile.region_code}) sammenlignes med {profile.kostra_group} "
        f"og {profile.country_code}."
    )
    return EXIT_OK
