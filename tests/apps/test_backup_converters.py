"""Restore's shorter way from a backup's JSON value to the database value gives the very value
the field's own ``to_python`` and ``get_db_prep_save`` give (SQLite, or PostgreSQL with
``DATABASE_URL``), for Django's date, time stamp, decimal and JSON fields; a subclass of them
keeps the field's own way."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, models

from losen.apps.operations.backup import _direct_converter, _encode_value

VALUES = {
    models.DateTimeField: [
        dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    ],
    models.DateField: [dt.date(2026, 6, 15), dt.date(1, 1, 1), dt.date(9999, 12, 31)],
    models.DecimalField: [
        decimal.Decimal(text)
        for text in ("123.45", "0", "-0.0000000001", "99999999999999999999.9999999999")
    ],
    models.JSONField: [{"n": 4}, ["a", {"b": None}], "text", 3, True, {"æøå": "\u2028"}],
}


def _field(kind: type[models.Field]) -> models.Field:
    field = kind(max_digits=32, decimal_places=10) if kind is models.DecimalField else kind()
    field.set_attributes_from_name("value")
    return field


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(VALUES), ids=lambda kind: kind.__name__)
def test_the_shorter_way_gives_the_fields_own_value(kind):
    database = connections[DEFAULT_DB_ALIAS]
    field = _field(kind)
    convert = _direct_converter(field, database)
    assert convert is not None
    for value in VALUES[kind]:
        # As the backup writes it: JSON types as they are, the others as text.
        written = value if kind is models.JSONField else _encode_value(value)
        expected = field.get_db_prep_save(field.to_python(written), database)
        got = convert(written)
        assert type(got) is type(expected), (value, got, expected)
        if kind is models.JSONField and database.vendor == "postgresql":
            assert got.obj == expected.obj  # psycopg's Jsonb wrapper
        else:
            assert got == expected, (value, got, expected)


@pytest.mark.django_db
def test_a_time_stamp_without_a_zone_takes_the_fields_own_way():
    database = connections[DEFAULT_DB_ALIAS]
    field = _field(models.DateTimeField)
    convert = _direct_converter(field, database)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        got = convert("2026-06-15T08:00:00")
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        expected = field.get_db_prep_save(field.to_python("2026-06-15T08:00:00"), database)
    assert got == expected


def test_a_subclass_keeps_the_fields_own_way():
    class Stamp(models.DateTimeField):
        pass

    assert _direct_converter(Stamp(), connections[DEFAULT_DB_ALIAS]) is None
