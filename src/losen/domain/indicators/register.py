"""Which region codes exist: the check every import makes before it stores a figure.

The register is SSB's list of municipality numbers in use from 1994 to 2024 and SSB's
KommSummer grouping on 2024 borders (``agg_KommSummer`` in Statistikkbanken, table 07459;
Statistisk sentralbyrå, CC BY 4.0), shipped as ``data/kommuneregister.json`` and built with
:func:`register_data_from_kommsummer`. SSB's ``9999`` and ``2199`` ("uoppgitt kommune") are
not municipalities and are left out. An installation adds its own municipalities (Losen's
tenants) with :meth:`RegionRegister.with_codes`.

A code is accepted when it is

* a municipality number of the register (``0301``, ``1507``, ``3001``) or one added;
* a county number, the first two digits of one of them (``03``, ``46``), or ``21``–``23``
  (Svalbard, Jan Mayen, the continental shelf);
* a city district (bydel, six digits) or a basic statistical unit (grunnkrets, eight digits)
  whose first four digits are a municipality of the register;
* a KommSummer group (``K-3101``, ``K-21-22``, ``K-Rest``; also written ``K.3101``);
* one of SSB's aggregates: the whole country (``0``, ``EAK``, ``EAKUO`` …), a KOSTRA group
  (``EKG01``–``EKG17``) or a county aggregate (``EKA03``).

Anything else (``9999``, ``abc``, ``-1``) is refused, and the message names the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

_AGGREGATE = re.compile(r"EAK[A-Z0-9]*|EKG\d{2}|EKA\d{2}")
_GROUP = re.compile(r"K[-.](.+)")
#: Not municipalities: SSB's "uoppgitt kommune" (not stated), in KommSummer's rest group.
PSEUDO_CODES = frozenset({"9999", "2199"})
#: Svalbard, Jan Mayen and the continental shelf have county-like numbers of their own.
EXTRA_COUNTIES = frozenset({"21", "22", "23"})


@dataclass(frozen=True)
class RegionRegister:
    """Municipality numbers and KommSummer groups that exist, and what else a code may be.

    Attributes:
        municipalities: Municipality number → name as SSB gives it (``"Halden (-2019)"``).
        groups: KommSummer group codes on 2024 borders (``"3101"``, ``"21-22"``, ``"Rest"``).
        added: Municipality numbers added by the installation (its own municipalities).
    """

    municipalities: Mapping[str, str]
    groups: frozenset[str]
    added: frozenset[str] = field(default_factory=frozenset)

    def with_codes(self, codes: Iterable[str]) -> RegionRegister:
        """This register with further municipality numbers (an installation's municipalities)."""
        return RegionRegister(self.municipalities, self.groups, self.added | frozenset(codes))

    def is_municipality(self, code: str) -> bool:
        return code in self.municipalities or code in self.added

    @property
    def counties(self) -> frozenset[str]:
        return _counties(tuple(self.municipalities), tuple(self.added))

    def problem(self, code: str) -> str | None:
        """``None`` when *code* exists; otherwise a Norwegian message naming it."""
        if self.known(code):
            return None
        if code in PSEUDO_CODES:
            return (
                f"regionkode {code!r} er SSBs kode for «uoppgitt kommune», ikke en kommune; "
                "tall uten kjent kommune kan ikke lagres"
            )
        return (
            f"regionkode {code!r} finnes ikke i kommuneregisteret (skriv et kommunenummer som "
            "0301, et fylkesnummer, en bydel, en K-kode eller EAK/EKG/EKA)"
        )

    def known(self, code: str) -> bool:
        """True when *code* is one of the kinds of code listed in the module docstring."""
        if code == "0" or _AGGREGATE.fullmatch(code):
            return True
        group = _GROUP.fullmatch(code)
        if group is not None:
            return group.group(1).replace(".", "-") in self.groups
        if not code.isascii() or not code.isdigit():
            return False
        if len(code) == 4:
            return self.is_municipality(code)
        if len(code) == 2:
            return code in self.counties or code in EXTRA_COUNTIES
        if len(code) in (6, 8):
            return self.is_municipality(code[:4]) and code[4:] != "0" * (len(code) - 4)
        return False


@cache
def _counties(municipalities: tuple[str, ...], added: tuple[str, ...]) -> frozenset[str]:
    return frozenset(code[:2] for code in (*municipalities, *added))


def register_data_from_kommsummer(rows: Sequence[Any]) -> dict[str, Any]:
    """The shipped register's content from KommSummer rows (:func:`.regions.load_kommsummer`)."""
    municipalities = {
        r.code: r.name
        for r in rows
        if len(r.code) == 4 and r.code.isdigit() and r.code not in PSEUDO_CODES
    }
    groups = {r.group_code: r.group_name for r in rows}
    return {
        "kommuner": dict(sorted(municipalities.items())),
        "grupper": dict(sorted(groups.items())),
    }


def register_from_data(doc: Mapping[str, Any]) -> RegionRegister:
    """A register from the shipped JSON's content (``kommuner`` and ``grupper``)."""
    return RegionRegister(dict(doc["kommuner"]), frozenset(doc["grupper"]))


@cache
def default_register() -> RegionRegister:
    """The register shipped with Losen (``data/kommuneregister.json``), read once."""
    path = resources.files("losen.domain.indicators") / "data" / "kommuneregister.json"
    return register_from_data(json.loads(path.read_text(encoding="utf-8")))
