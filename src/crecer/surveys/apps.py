from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "crecer.surveys"
    verbose_name = _("Survey estimates")

    def ready(self) -> None:
        from crecer.ingest import kinds, reasons
        from crecer.surveys import imports
        from crecer.surveys.reasons import MESSAGES

        reasons.register(MESSAGES)
        kinds.register(imports.SURVEY)
