from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "crecer.registry"
    label = "registry"
    verbose_name = _("Nominal registry")
    default_auto_field = "django.db.models.BigAutoField"
