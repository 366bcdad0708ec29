from django.contrib import admin

from crecer.health import models


class EventAdmin(admin.ModelAdmin):
    list_select_related = ["child"]
    raw_id_fields = ["child", "import_run", "recorded_by"]
    date_hierarchy = "date"
    search_fields = ["child__dni", "child__cnv", "child__cui", "facility"]


@admin.register(models.ServiceRecord)
class ServiceRecordAdmin(EventAdmin):
    list_display = ["date", "child", "code", "lab", "facility"]
    list_filter = ["code"]


@admin.register(models.GrowthCheck)
class GrowthCheckAdmin(EventAdmin):
    list_display = ["date", "child", "weight_kg", "length_cm", "measure", "oedema"]


@admin.register(models.HemoglobinTest)
class HemoglobinTestAdmin(EventAdmin):
    list_display = ["date", "child", "hb_observed", "altitude_m", "altitude_source"]
