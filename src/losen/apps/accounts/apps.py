from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "losen.apps.accounts"
    label = "accounts"
    verbose_name = _("Kommuner, enheter og brukere")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the failed-login audit
