"""Every import run, of every kind, with its quarantined rows (read only)."""

from django.contrib import admin

from crecer.ingest.models import ImportRun, QuarantinedRow


class QuarantinedRowInline(admin.TabularInline):
    model = QuarantinedRow
    extra = 0
    can_delete = False
    readonly_fields = ["line", "reasons", "raw"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "quarantined",
        "user",
    ]
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    list_filter = ["kind"]
    inlines = [QuarantinedRowInline]

    def has_add_permission(self, request) -> bool:
        return False
