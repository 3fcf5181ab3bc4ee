"""Where the real-data fixtures lie: ``../shared/data``, the folder beside the checkout.

They are public files, kept outside the repository and never copied into it; CI lays the folder
beside its clone. Tests read them in place and skip, with the reason, when one is absent. This
module is the one place that names the folder. The files and where they come from:

* ``ssb_jsonstat2_12367_kostra_regnskap.json``: SSB's JSON-stat 2.0 answer for KOSTRA table 12367
  (https://www.ssb.no/statbank/table/12367), 1250 cells;
* ``ssb_07459_population_by_age_2024_kcodes.csv``: SSB's Statistikkbanken CSV export of table
  07459 (https://www.ssb.no/statbank/table/07459), population 1 January 2024 by KommSummer region
  and single-year age, ISO-8859-1; ``ssb_v1_query_07459_example.json``, a PxWebApi v1 query for it;
* ``ssb_kommsummer_1994_2024.csv`` / ``.xlsx``: SSB's KommSummer grouping of every municipality
  code since 1994 into the 2024 municipalities;
* ``klass_131_changes_2008_2024.json``: SSB KLASS classification 131's change list
  (https://www.ssb.no/klass/klassifikasjoner/131);
* ``fhi_jsonstat2_example_befolkningsvekst.json`` and ``fhi_data_query_example.json``: the response
  and query examples of FHI's Statistikk API (https://github.com/folkehelseinstituttet/Fhi.Statistikk.OpenAPI);
* ``csdata_norway_municipality_redistricting.csv``: FHI's municipal redistricting table with the
  weights for split municipalities (the csdata R package, MIT);
* ``derived_*.csv``: the municipality lists of 2020–2023 and 2024 and the 2024 population per
  municipality, computed from the files above.

SSB's data are CC BY 4.0 (credit: Statistisk sentralbyrå).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def shared_bytes(name: str) -> bytes:
    """Return a shared fixture's bytes, or skip the test saying which file is missing."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"shared fixture ../shared/data/{name} is not present")
    return path.read_bytes()
