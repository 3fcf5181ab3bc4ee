"""Health check, production settings, logging and OpenID Connect switch."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

from losen.web.logging import PersonalDataFilter, scrub


@pytest.mark.django_db
def test_healthz_reports_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_is_down():
    """A database that does not answer gives 503, so a load balancer takes the node out."""
    with mock.patch("losen.web.views.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"


def test_oidc_login_is_off_by_default_and_on_by_settings(tmp_path):
    """OpenID Connect adds its backend and URLs only when switched on."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.urls import reverse;"
        "backends = ' '.join(settings.AUTHENTICATION_BACKENDS);"
        "print(settings.OIDC_ENABLED, 'LosenOIDCBackend' in backends);"
        "print(reverse('oidc_authentication_init') if settings.OIDC_ENABLED else '-')"
    )
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "losen.web.settings.test",
        "LOSEN_VAR_DIR": str(tmp_path),
    }
    base_env.pop("LOSEN_OIDC_ENABLED", None)
    off = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base_env, check=True
    )
    assert off.stdout.split() == ["False", "False", "-"]
    on_env = {
        **base_env,
        "LOSEN_OIDC_ENABLED": "1",
        "LOSEN_OIDC_CLIENT_ID": "losen",
        "LOSEN_OIDC_AUTHORIZATION_ENDPOINT": "https://helseid.example/connect/authorize",
        "LOSEN_OIDC_TOKEN_ENDPOINT": "https://helseid.example/connect/token",
        "LOSEN_OIDC_USER_ENDPOINT": "https://helseid.example/connect/userinfo",
    }
    on = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=on_env, check=True
    )
    assert on.stdout.split() == ["True", "True", "/oidc/authenticate/"]


def test_log_filter_removes_identity_numbers_and_emails():
    assert "12345678901" not in scrub("bruker 12345678901 ble funnet")
    assert "kari@fjordvik.no" not in scrub("sendt til kari@fjordvik.no")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "fnr %s", ("010203 12345",), None)
    PersonalDataFilter().filter(record)
    assert "12345" not in record.getMessage()


def test_security_headers_are_sent(client, db):
    response = client.get("/logg-inn/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    # Under the production settings every header is checked in test_security_settings.py.
