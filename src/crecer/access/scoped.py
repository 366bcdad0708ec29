"""A queryset of records placed like a child — by district, populated center and facility
(a woman, a household) — so the access policy's condition on a child's place fields selects
them too: the same scope for every kind of personal record."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.http import Http404

from crecer.access import policy
from crecer.access.policy import Can


class PlacedQuerySet(models.QuerySet):
    def visible_to(self, user: Any, right: Can = Can.VIEW_PERSONAL) -> Self:
        """The records ``user`` may see for ``right``: the children's condition."""
        condition = policy.children_condition(user, right)
        return self.none() if condition is None else self.filter(condition)

    def visible_or_404(self, user: Any, pk: int, right: Can = Can.VIEW_PERSONAL) -> Any:
        """Record ``pk`` if ``user`` may see it for ``right``; else 404, never "forbidden"."""
        found = self.visible_to(user, right).select_related("district").filter(pk=pk).first()
        if found is None:
            raise Http404
        return found
