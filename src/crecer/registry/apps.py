from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "crecer.registry"
    label = "registry"
    verbose_name = _("Nominal registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from crecer.ingest import kinds, reasons
        from crecer.registry import imports
        from crecer.registry.reasons import FIELD_LABELS, MESSAGES, PUBLIC

        # Wherever a quarantined row is described, the padrón's reasons must be known.
        reasons.register(MESSAGES, FIELD_LABELS, public=PUBLIC)
        kinds.register(imports.PADRON)
