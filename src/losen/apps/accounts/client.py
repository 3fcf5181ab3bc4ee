"""The client's address, taken from a trusted proxy's ``X-Forwarded-For`` when there is one.

Behind the TLS proxy that production requires, ``REMOTE_ADDR`` is the proxy's address for every
client. The proxy appends the address it received the request from to ``X-Forwarded-For``, so
the right-most entry is the one it vouches for; entries further left were written by whoever
sent the request and can be forged. :func:`client_address` therefore walks the header from the
right, skips the proxies listed in ``LOSEN_TRUSTED_PROXIES`` (addresses or CIDR networks), and
takes the first address that is not one of them. When ``REMOTE_ADDR`` is not a trusted proxy
the header is ignored altogether, so a client that talks to Losen directly cannot choose its
own address.

Every rate limit in Losen (login throttling through django-axes, the public consultation)
and the failed-login audit entries use this one function.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: At most this many entries of the header are read (from the right); a longer chain is cut.
MAX_FORWARDED_HOPS = 20


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Turn ``["10.0.0.5", "10.1.0.0/16", "fd00::/8"]`` into networks, or say which is wrong."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"LOSEN_TRUSTED_PROXIES: «{text}» er ikke en IP-adresse eller et nett "
                "(skriv for eksempel 10.0.0.5 eller 10.0.0.0/24, skilt med komma)."
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def trusted_proxies() -> tuple[Network, ...]:
    return _trusted(tuple(getattr(settings, "LOSEN_TRUSTED_PROXIES", ()) or ()))


def _parse(text: str) -> Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request) -> str:
    """The address of the client that sent *request*, as a string (empty if there is none)."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _parse(remote_text)
    if remote is None:
        return remote_text.strip()
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in header.split(",") if hop.strip()][-MAX_FORWARDED_HOPS:]
    nearest = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed entry: nothing to its left can be trusted; the last proxy that
            # forwarded it is the best address known.
            return str(nearest)
        if not _is_trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
