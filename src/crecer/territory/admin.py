from django.contrib import admin

from crecer.territory import models


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]
    search_fields = ["code", "name"]


class PopulationInline(admin.TabularInline):
    model = models.DistrictPopulation
    extra = 0


@admin.register(models.District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["ubigeo", "name", "province", "altitude_m", "altitude_source", "natural_region"]
    list_filter = ["province__department", "natural_region"]
    search_fields = ["ubigeo", "name", "capital"]
    list_select_related = ["province"]
    inlines = [PopulationInline]


@admin.register(models.PopulatedCenter)
class PopulatedCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "area", "altitude_m", "altitude_source"]
    list_filter = ["area", "altitude_source", "district__province__department"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
    raw_id_fields = ["district"]


@admin.register(models.HealthFacility)
class HealthFacilityAdmin(admin.ModelAdmin):
    list_display = [
        "renipress_code",
        "name",
        "category",
        "district",
        "altitude_m",
        "altitude_source",
    ]
    list_filter = ["category", "institution", "altitude_source"]
    search_fields = ["renipress_code", "name"]
    list_select_related = ["district"]
    raw_id_fields = ["district"]


@admin.register(models.Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    list_display = ["level", "code", "source"]
    list_filter = ["level"]
    search_fields = ["code"]
    exclude = ["geometry"]
