from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from crecer.access import models


class AssignmentInline(admin.StackedInline):
    model = models.Assignment
    can_delete = False
    raw_id_fields = ["facility", "populated_centers"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class CrecerUserAdmin(UserAdmin):
    """The user pages with the role and territorial scope on the same form."""

    inlines = [AssignmentInline]
    list_display = ["username", "email", "role", "scope", "is_active", "last_login"]
    list_select_related = ["assignment"]

    @admin.display(description="role")
    def role(self, user) -> str:
        assignment = getattr(user, "assignment", None)
        return assignment.get_role_display() if assignment else ""

    @admin.display(description="scope")
    def scope(self, user) -> str:
        assignment = getattr(user, "assignment", None)
        return assignment.scope_label if assignment else ""


class AccessedChildInline(admin.TabularInline):
    model = models.AccessedChild
    extra = 0
    can_delete = False
    readonly_fields = ["child_id"]


@admin.register(models.AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it."""

    list_display = ["at", "username", "action", "path", "row_count", "via_api", "ip_address"]
    list_filter = ["action", "via_api"]
    search_fields = ["username", "path", "children__child_id"]
    inlines = [AccessedChildInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked"]

    def has_add_permission(self, request) -> bool:
        return False  # keys are issued by `crecer token`, which shows the key once
