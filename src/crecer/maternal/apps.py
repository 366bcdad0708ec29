from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaternalConfig(AppConfig):
    name = "crecer.maternal"
    verbose_name = _("Women and pregnancies")

    def ready(self) -> None:
        from crecer.analytics.refresh import contribute
        from crecer.ingest import kinds, reasons
        from crecer.maternal import imports
        from crecer.maternal.reasons import BIRTH_MESSAGES, BIRTH_PUBLIC, MATERNAL_MESSAGES

        reasons.register(BIRTH_MESSAGES | MATERNAL_MESSAGES, public=BIRTH_PUBLIC)
        kinds.register(imports.BIRTHS)
        kinds.register(imports.MATERNAL_EVENTS)
        from crecer.maternal.status import maternal_values

        contribute("maternal", maternal_values)
