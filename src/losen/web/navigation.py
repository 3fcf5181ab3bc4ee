"""The main navigation, by role. Each item is shown only to users holding one of its roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from losen.apps.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[str]  # empty: every member

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL = frozenset()
NAVIGATION: list[NavItem] = [
    NavItem("home", _("Oversikt"), ALL),
    NavItem("persons:list", _("Personer"), frozenset({Role.KLINIKER, Role.SAKSBEHANDLER})),
    NavItem("cases:applications", _("Søknader"), frozenset({Role.SAKSBEHANDLER})),
    NavItem("cases:work_list", _("Arbeidsliste"), frozenset({Role.SAKSBEHANDLER})),
    NavItem("clinical:work_list", _("Kliniske varsler"), frozenset({Role.KLINIKER})),
    NavItem(
        "priorities:case_list",
        _("Prioriteringssaker"),
        frozenset({Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN}),
    ),
    NavItem("criteria:catalogue", _("Kriteriene"), ALL),
    NavItem("cases:criteria", _("Tildelingskriterier"), frozenset({Role.LEDER})),
    NavItem("accounts:units", _("Enheter"), ALL),
    NavItem(
        "guidance:index",
        _("Etterlevelse"),
        frozenset({Role.LEDER, Role.ANALYTIKER, Role.LESER, Role.ADMIN}),
    ),
    NavItem(
        "clinical:leader_outcomes",
        _("Resultater per tiltak"),
        frozenset({Role.LEDER, Role.ANALYTIKER}),
    ),
    NavItem(
        "insight:dashboard", _("Styringsinformasjon"), frozenset({Role.LEDER, Role.ANALYTIKER})
    ),
    NavItem("accounts:users", _("Brukere"), frozenset({Role.ADMIN})),
    NavItem("audit:log", _("Revisjonslogg"), frozenset({Role.ADMIN})),
]


def navigation_for(roles: frozenset[str]) -> list[NavItem]:
    return [item for item in NAVIGATION if not item.roles or item.roles & roles]
