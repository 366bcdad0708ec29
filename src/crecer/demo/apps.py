from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "crecer.demo"
    verbose_name = _("Synthetic demo population")
