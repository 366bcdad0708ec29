"""The auditor's page, composed in the shell from the access log and the registry: who viewed,
searched, listed and exported which children, and when."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.registry.models import Child

PAGE_SIZE = 100


class LogFilter(forms.Form):
    child = forms.IntegerField(label=_("Child (Crecer id)"), required=False, min_value=1)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *Action.choices]
    )


@policy.page(Can.AUDIT)
def access_log(request: HttpRequest) -> HttpResponse:
    form = LogFilter(request.GET or None)
    in_scope = Child.objects.visible_to(request.user, Can.AUDIT)
    entries = audit.visible_log(request.user, in_scope)
    child = None
    if form.is_valid():
        if form.cleaned_data["child"]:
            child = Child.objects.visible_or_404(
                request.user, form.cleaned_data["child"], Can.AUDIT
            )
            entries = audit.about_child(request.user, child, in_scope)
        if form.cleaned_data["username"]:
            entries = entries.filter(username=form.cleaned_data["username"])
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/log.html", {"form": form, "page": page, "child": child})
