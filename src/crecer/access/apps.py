from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "crecer.access"
    verbose_name = _("Access and audit")

    def ready(self) -> None:
        from crecer.access import audit
        from crecer.ingest.views import quarantine_read

        quarantine_read.connect(audit.quarantine_read, dispatch_uid="crecer.access.audit")
