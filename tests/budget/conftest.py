"""While ``crecer.budget`` is not yet in INSTALLED_APPS of the committed settings (the shared
settings and URL hunks wait for the lead), these tests are not collected; once it is, they run
as every other app's."""

from django.conf import settings

collect_ignore_glob = [] if "crecer.budget" in settings.INSTALLED_APPS else ["test_*.py"]
