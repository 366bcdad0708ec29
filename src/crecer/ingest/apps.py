from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "crecer.ingest"
    label = "ingest"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from crecer.ingest import reasons

        # Reasons registered as plain marked text are shown in the reader's language.
        reasons.install_translator(gettext)
