from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "crecer.community"
    verbose_name = _("Community monitoring")

    def ready(self) -> None:
        from crecer.community import imports
        from crecer.community.reasons import MESSAGES
        from crecer.ingest import kinds, reasons

        reasons.register(MESSAGES)
        kinds.register(imports.VISITS)
