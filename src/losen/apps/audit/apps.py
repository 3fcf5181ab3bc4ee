from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "losen.apps.audit"
    label = "audit"
    verbose_name = _("Revisjonslogg")

    def ready(self) -> None:
        # The audit key is read (or its file created) at start-up, so a missing, short or
        # unreadable key stops Losen at once instead of at the first audited request.
        from .keys import audit_key

        audit_key()
