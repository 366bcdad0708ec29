from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField()
    import_unknown_columns = forms.BooleanField(
        required=False,
        label=_("Import even if some columns are not recognised"),
        help_text=_(
            "Their values are not imported into the records; they are kept with each line and "
            "the report names them."
        ),
    )

    def __init__(self, *args: Any, label: Any, help_text: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text
