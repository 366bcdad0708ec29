from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "crecer.linkage"
    verbose_name = _("Linkage and deduplication")
    default_auto_field = "django.db.models.BigAutoField"
