"""Optimistic locking: a save based on a record as it was loaded never overwrites a later save.

A model that can be edited by several people at once inherits :class:`Versioned`, which gives
its row a ``lock_version``. Every write of such a row goes through :func:`claim_version` (or
:func:`save_versioned`), an atomic ``UPDATE … SET lock_version = n + 1 WHERE pk = … AND
lock_version = n`` inside the caller's transaction: of two saves based on version *n* exactly one
updates a row, and the other raises :class:`EditConflict` before anything is written. The row
stays locked by the ``UPDATE`` until the transaction ends (PostgreSQL), and SQLite runs every
transaction as ``IMMEDIATE``, so the check and the write cannot be separated by another writer.

An edit form inherits :class:`LockedFormMixin`. It carries, as hidden fields, the version it was
loaded with and a keyed fingerprint of each value it showed (never the values themselves: they
are in the page anyway, and may be health data). When a save is refused, the form compares the
record as it is now with those fingerprints, so it knows which of *its* fields someone else
changed:

* none (someone changed another part of the record, such as another form's fields): the save
  is tried again on the new version; it writes only the form's own fields, so nothing is lost;
* some: nothing is saved, and the form is shown again with the saved values in the fields the
  other person changed, the user's own values in the rest, and a summary that names each
  changed field with the value now saved and the value the user posted, so the user can enter
  again what they want to keep.

Values are shown only to the user who posted the form, on the page of the record the view has
already let them read; they are never logged (the exception's message names the record only).
OWASP ASVS 4.0.3 V1.11.3 (high-value business logic flows are thread safe and resistant to
time-of-check and time-of-use race conditions).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import formats
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: Names of the hidden fields an edit form carries.
LOCK_VERSION = "lock_version"
LOCK_VALUES = "lock_values"
LOCK_FIELDS = frozenset({LOCK_VERSION, LOCK_VALUES})

#: How often a save is tried again when only fields outside the form were changed meanwhile.
RETRIES = 3

_FINGERPRINT_SALT = "losen.apps.common.locking.fingerprint"

T = TypeVar("T")


class Versioned(models.Model):
    """A row that counts its saves, so that a save based on an old version can be refused."""

    lock_version = models.PositiveIntegerField(
        _("versjon"),
        default=0,
        editable=False,
        help_text=_("Øker med én for hver lagring; brukes for å hindre at endringer går tapt."),
    )

    class Meta:
        abstract = True


class EditConflict(Exception):
    """The record was saved by someone else after the version an edit was based on.

    ``current`` is the record as it is now. The message names the record, never its values.
    """

    def __init__(self, current: models.Model) -> None:
        self.current = current
        name = getattr(current, "external_id", None) or current.pk
        super().__init__(f"{current._meta.label_lower} {name}: saved by someone else meanwhile")


def _base(obj: models.Model) -> models.QuerySet:
    return type(obj)._base_manager.filter(pk=obj.pk)


def claim_version(obj: Versioned, expected_version: int | None = None) -> int:
    """Move *obj*'s row to its next version, or raise :class:`EditConflict`.

    With *expected_version* the row must still be at that version; without it (a write that
    is not based on a form, such as a change of phase) the version is just counted up, so that
    forms loaded before it notice. Must run inside ``transaction.atomic()``: the row stays
    locked until the caller's transaction ends. Returns the new version (also set on *obj*).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version() must run inside transaction.atomic()")
    rows = _base(obj)
    if expected_version is None:
        updated = rows.update(lock_version=F("lock_version") + 1)
    else:
        updated = rows.filter(lock_version=expected_version).update(
            lock_version=expected_version + 1
        )
    if updated != 1:
        raise EditConflict(type(obj)._base_manager.get(pk=obj.pk))
    if expected_version is None:
        obj.lock_version = rows.values_list("lock_version", flat=True).get()
    else:
        obj.lock_version = expected_version + 1
    return obj.lock_version


def save_versioned(
    obj: Versioned, *, expected_version: int | None, update_fields: Iterable[str] | None = None
) -> None:
    """Save an existing *obj* if nobody saved it since *expected_version* (see above).

    *update_fields* limits the write to the fields an edit form changes (plus the version and
    any ``auto_now`` field), so that a retry after someone else's save of other fields keeps
    theirs. Must run inside ``transaction.atomic()``.
    """
    claim_version(obj, expected_version)
    if update_fields is None:
        obj.save()
        return
    auto_now = {f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)}
    obj.save(update_fields=sorted(set(update_fields) | auto_now | {"lock_version"}))


# --- Forms ------------------------------------------------------------------------------------


def canonical(value: Any) -> str:
    """One text per value, the same for a value read from the database and one posted back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return json.dumps([canonical(v) for v in value])
    if isinstance(value, dict):
        return json.dumps({str(k): canonical(v) for k, v in value.items()}, sort_keys=True)
    if hasattr(value, "value") and not isinstance(value, str):  # ModelChoiceIteratorValue
        return canonical(value.value)
    return str(value).replace("\r\n", "\n").strip()


def fingerprint(value: Any) -> str:
    """A short keyed hash of a value: lets a form recognise a change without carrying data."""
    return salted_hmac(_FINGERPRINT_SALT, canonical(value)).hexdigest()[:16]


def _choice_label(field: forms.Field, value: Any) -> str | None:
    wanted = canonical(value)
    for key, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # an option group
            for sub_key, sub_label in label:
                if canonical(sub_key) == wanted:
                    return str(sub_label)
        elif canonical(key) == wanted:
            return str(label)
    return None


def display(field: forms.Field, value: Any) -> str:
    """*value* of *field* as the form shows it to the user (choice labels, Ja/Nei, dates)."""
    if isinstance(field, forms.BooleanField):
        return gettext("Ja") if value else gettext("Nei")
    if hasattr(field, "choices"):
        label = _choice_label(field, value)
        if label is not None:
            return label
    if value is None or canonical(value) in ("", "[]"):
        return gettext("(tomt)")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(display(field, v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ChangedField:
    """One field someone else changed: the value saved now, and the one the user posted."""

    name: str
    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class ConflictReport:
    """What the form shows after a refused save."""

    rows: tuple[ChangedField, ...]
    #: False when the record cannot be saved again from this form (a decision already made).
    can_retry: bool = True


class ConflictFormMixin:
    """Compare a record as saved now with what a bound form posted (see the module text).

    Put it before ``forms.Form`` or ``forms.ModelForm`` in the bases.
    """

    #: Set after a refused save; the templates show it (``losen/edit_conflict.html``).
    edit_conflict: ConflictReport | None = None
    #: Whether the fields someone else changed are filled in with the saved values.
    merge_on_conflict = True
    #: Labels of tracked values that are not fields of the form (who chose, when).
    tracked_labels: Mapping[str, str] = {}

    def tracked_values(self, record) -> dict[str, Any]:
        """The value of each field of this form for *record* as it is saved (default: a
        model form's values for that instance)."""
        if not self.is_bound and record is getattr(self, "instance", None):
            form = self
        else:
            form = type(self)(instance=record, prefix=self.prefix, **self.rebuild_kwargs())
        return {name: form[name].value() for name in form.fields if name not in LOCK_FIELDS}

    def rebuild_kwargs(self) -> dict[str, Any]:
        """Keyword arguments (besides the record) that build this form again."""
        return dict(getattr(self, "_lock_kwargs", {}))

    def loaded_fingerprints(self) -> dict[str, str]:
        """The fingerprints the form was loaded with (empty when it has none)."""
        return {}

    def label_for(self, name: str) -> str:
        if name not in self.fields:
            return str(self.tracked_labels.get(name, name))
        return str(self.fields[name].label or name)

    def display_value(self, name: str, value: Any) -> str:
        if name not in self.fields:
            return str(value) if canonical(value) else "–"
        return display(self.fields[name], value)

    def posted_value(self, name: str) -> Any:
        """What the user posted for field *name*, cleaned when the form was valid."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        field = self.fields[name]
        if name in cleaned:
            return field.prepare_value(cleaned[name])
        return self[name].value()

    def changed_by_others(self, current) -> tuple[list[ChangedField], dict[str, Any]]:
        """The fields someone else changed, with both values; and those fields' saved values."""
        loaded = self.loaded_fingerprints()
        rows: list[ChangedField] = []
        saved: dict[str, Any] = {}
        for name, value in self.tracked_values(current).items():
            if name in loaded and loaded[name] == fingerprint(value):
                continue  # as the user saw it when the form was loaded
            yours = self.posted_value(name) if name in self.fields else None
            if name in self.fields and canonical(value) == canonical(yours):
                continue  # the other person saved what this user wants too
            saved[name] = value
            rows.append(
                ChangedField(
                    name=name,
                    label=self.label_for(name),
                    theirs=self.display_value(name, value),
                    yours=self.display_value(name, yours),
                )
            )
        return rows, saved

    def show_conflict(
        self,
        current,
        rows: list[ChangedField],
        saved: Mapping[str, Any],
        *,
        message: str | None = None,
        can_retry: bool = True,
    ) -> None:
        """Turn the form into the refused save's answer: saved values where others changed
        them, the current version, an error summary and the list of changes."""
        data = self.data.copy()
        if self.merge_on_conflict:
            for name, value in saved.items():
                if name in self.fields:
                    _put(data, self.add_prefix(name), self.fields[name], value)
        self._prepare_retry(data, current)
        self.data = data
        self._errors = None
        self._bound_fields_cache = {}
        self.__dict__.pop("cleaned_data", None)
        self.edit_conflict = ConflictReport(tuple(rows), can_retry=can_retry)
        self.add_error(
            None,
            message
            or gettext(
                "Ikke lagret: noen andre lagret endringer i mellomtiden. Feltene de endret viser "
                "nå det som er lagret; oversikten under viser hva du skrev. Legg inn igjen det du "
                "vil beholde, og lagre på nytt."
            ),
        )

    def _prepare_retry(self, data, current) -> None:
        """Hook: what the form carries for the next save (nothing without a version)."""


def _put(data, key: str, field: forms.Field, value: Any) -> None:
    """Set *value* into posted *data* as the field's widget would post it."""
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list | tuple) and hasattr(data, "setlist"):
        data.setlist(key, [canonical(v) for v in value])
    else:
        data[key] = canonical(value)


class LockedFormMixin(ConflictFormMixin):
    """An edit form of a :class:`Versioned` record: it carries the version it was loaded with.

    A model form locks its ``instance``; another form is given the record as ``lock_record``
    and says in :meth:`tracked_values` which of the record's values its fields show.
    """

    #: Model fields a save writes besides the form's own (``parts`` for an alternative).
    extra_update_fields: tuple[str, ...] = ()

    def __init__(self, *args, lock_record=None, **kwargs):
        self._lock_kwargs = {
            k: v
            for k, v in kwargs.items()
            if k not in ("data", "files", "instance", "initial", "prefix")
        }
        super().__init__(*args, **kwargs)
        record = lock_record if lock_record is not None else getattr(self, "instance", None)
        self.lock_record = record
        existing = record is not None and record.pk is not None
        self.fields[LOCK_VERSION] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=record.lock_version if existing else "",
        )
        # Computed when the form is shown, after a subclass has added its own fields.
        self.fields[LOCK_VALUES] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=(lambda: "" if self.is_bound else _pack(self.tracked_values(record)))
            if existing
            else "",
        )

    def loaded_version(self) -> int | None:
        """The version the form was loaded with; ``None`` when the post carries none (a save
        without the check), -1 when it is garbled (always refused, then offered again)."""
        raw = self.data.get(self.add_prefix(LOCK_VERSION))
        if raw is None or raw == "":
            return None
        try:
            version = int(raw)
        except (TypeError, ValueError):
            return -1
        return version if version >= 0 else -1

    def loaded_fingerprints(self) -> dict[str, str]:
        raw = self.data.get(self.add_prefix(LOCK_VALUES)) or ""
        try:
            packed = json.loads(raw)
        except ValueError:
            return {}
        if not isinstance(packed, dict):
            return {}
        return {str(k): str(v) for k, v in packed.items()}

    def lock_update_fields(self) -> list[str]:
        """The model fields a save from this form writes."""
        meta = getattr(self, "_meta", None)
        names = [n for n in (getattr(meta, "fields", None) or ()) if n in self.fields]
        return names + list(self.extra_update_fields)

    def _prepare_retry(self, data, current) -> None:
        data[self.add_prefix(LOCK_VERSION)] = str(current.lock_version)
        data[self.add_prefix(LOCK_VALUES)] = _pack(self.tracked_values(current))


def _pack(values: Mapping[str, Any]) -> str:
    return json.dumps({name: fingerprint(v) for name, v in values.items()}, sort_keys=True)


def save_locked(form: LockedFormMixin, save: Callable[[int | None], T]) -> T | None:
    """Run ``save(expected_version)`` for a valid locked *form*; on a conflict, decide.

    Returns what *save* returned, or ``None`` when the save was refused: the form then carries
    the conflict (:meth:`ConflictFormMixin.show_conflict`) and the view shows it again.
    """
    expected = form.loaded_version()
    for _attempt in range(RETRIES):
        try:
            return save(expected)
        except EditConflict as conflict:
            rows, saved = form.changed_by_others(conflict.current)
            if rows or expected == -1:
                form.show_conflict(conflict.current, rows, saved)
                return None
            expected = conflict.current.lock_version
    form.show_conflict(type(form.lock_record)._base_manager.get(pk=form.lock_record.pk), [], {})
    return None
