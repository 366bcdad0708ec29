from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "crecer.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        checks.register(check_profile)


def check_profile(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start with a country profile that does not load."""
    from crecer.norms import ProfileError
    from crecer.profile import current_profile

    try:
        current_profile()
    except ProfileError as error:
        return [checks.Error(str(error), id="crecer.E001")]
    return []
