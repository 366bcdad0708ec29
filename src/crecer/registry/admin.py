from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crecer.registry import models


@admin.register(models.Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "dni",
        "cnv",
        "paternal_surname",
        "maternal_surname",
        "given_names",
        "birth_date",
        "district",
        "record_status",
    ]
    list_filter = ["record_status", "sex", "insurance"]
    search_fields = ["dni", "cui", "cnv", "padron_code", "search_name"]
    raw_id_fields = ["district", "populated_center"]
    list_select_related = ["district"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate with a reason instead: records are never hard-deleted
