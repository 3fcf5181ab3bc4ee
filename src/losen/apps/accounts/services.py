"""Creating municipalities, units, users and roles: atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .models import Membership, Municipality, Role, Unit, User


def create_municipality(
    *,
    actor: User | None,
    number: str,
    name: str,
    inhabitants: int | None = None,
    is_synthetic: bool = False,
) -> Municipality:
    """Create a municipality after validating its number."""
    municipality = Municipality(
        number=number, name=name, inhabitants=inhabitants, is_synthetic=is_synthetic
    )
    municipality.full_clean()
    with transaction.atomic():
        municipality.save()
        record(actor=actor, action=Action.CREATE, target=municipality, municipality=municipality)
    return municipality


def create_unit(
    *, actor: User | None, municipality: Municipality, name: str, kind: str, description: str = ""
) -> Unit:
    unit = Unit(municipality=municipality, name=name, kind=kind, description=description)
    unit.full_clean()
    with transaction.atomic():
        unit.save()
        record(actor=actor, action=Action.CREATE, target=unit, municipality=municipality)
    return unit


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    municipality: Municipality | None = None,
    roles: Iterable[str] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_synthetic: bool = False,
    check_password_strength: bool = True,
) -> User:
    """Create a user with roles in one municipality; the password is hashed with Argon2."""
    roles = list(roles)
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(unknown)}; choose from {Role.values}")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_synthetic=is_synthetic,
    )
    if check_password_strength:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        record(actor=actor, action=Action.CREATE, target=user, municipality=municipality)
        if municipality is not None:
            for role in roles:
                grant_role(actor=actor, user=user, municipality=municipality, role=role)
    return user


def grant_role(
    *, actor: User | None, user: User, municipality: Municipality, role: str
) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, municipality=municipality, role=role
        )
        if created:
            record(
                actor=actor,
                action=Action.CREATE,
                target=membership,
                object_id=str(membership.pk),
                municipality=municipality,
                details={"role": role, "user": str(user.external_id)},
            )
    return membership


def set_password(*, actor: User | None, user: User, password: str) -> None:
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        record(actor=actor, action=Action.UPDATE, target=user, details={"field": "password"})
