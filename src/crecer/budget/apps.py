from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "crecer.budget"
    label = "budget"
    verbose_name = _("PAN budget and supplies")

    def ready(self) -> None:
        from crecer.budget import imports
        from crecer.budget.reasons import MESSAGES
        from crecer.ingest import kinds, reasons

        reasons.register(MESSAGES)
        for kind in imports.KINDS:
            kinds.register(kind)
