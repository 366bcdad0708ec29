from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "crecer.health"
    verbose_name = _("Health services")

    def ready(self) -> None:
        # The import reasons must be known wherever a quarantined row is described.
        from crecer.health import reasons  # noqa: F401
