from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuntosConfig(AppConfig):
    name = "crecer.juntos"
    verbose_name = _("JUNTOS transfers")

    def ready(self) -> None:
        from crecer.ingest import kinds, reasons
        from crecer.juntos import imports
        from crecer.juntos.reasons import MESSAGES

        reasons.register(MESSAGES)
        kinds.register(imports.CSE)
        kinds.register(imports.SCHOOL)
