from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "crecer.territory"
    label = "territory"
    verbose_name = _("Territory")
    default_auto_field = "django.db.models.BigAutoField"
