from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "crecer.health"
    verbose_name = _("Health services")

    def ready(self) -> None:
        from crecer.health import imports
        from crecer.health.reasons import EVENT_MESSAGES, EVENT_PUBLIC
        from crecer.ingest import kinds, reasons

        # Wherever a quarantined row is described, the event import's reasons must be known.
        reasons.register(EVENT_MESSAGES, public=EVENT_PUBLIC)
        kinds.register(imports.EVENTS)
