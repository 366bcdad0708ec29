from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crecer.access import audit
from crecer.access.models import Action
from crecer.registry import models

ADMIN_MARK = " (admin)"  # after the reason of an edit made in the admin


class ChildAdminForm(forms.ModelForm):
    """The admin's form of a child: an edit (or a revert to an older version) says why, as
    the registry's own form does; the reason is kept in the record's history. The admin
    makes the form's model and fields (``ModelAdmin.get_form``)."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=models.HISTORY_REASON_LENGTH - len(ADMIN_MARK),
        help_text=_("Kept in the record's history."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or self.instance._state.adding:
            self.fields["change_reason"].required = False  # a new record: "registered"


@admin.register(models.Child)
class ChildAdmin(SimpleHistoryAdmin):
    form = ChildAdminForm
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

    def save_model(self, request, obj, form, change) -> None:
        reason = form.cleaned_data.get("change_reason") or ("" if change else "registered")
        obj._change_reason = f"{reason}{ADMIN_MARK}" if change else reason
        super().save_model(request, obj, form, change)
        audit.record(request, Action.EDIT, [obj], filter={"admin": "change"})

    # Every admin page that shows named children is in the access log, as the registry's are.

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            shown = list(changelist.result_list)  # the children on this page
            query = {key: value[:100] for key, value in request.GET.items()}
            audit.record(request, Action.LIST, shown, filter={"admin": "list", **query})
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None and response.status_code == 200:
            audit.record(request, Action.VIEW, [original], filter={"admin": "change"})
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_shown(request, object_id, response, {"admin": "history"})
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        shown = {"admin": "history", "version": str(version_id)[:20]}
        self._record_shown(request, object_id, response, shown)
        return response

    def _record_shown(self, request, object_id, response, filter: dict) -> None:
        if response.status_code != 200:
            return  # a redirect after a revert (recorded as an edit) or an error
        try:
            pk = int(unquote(object_id))
        except ValueError:
            return
        audit.record(request, Action.VIEW, [pk], filter=filter)
