from __future__ import annotations

from typing import Any

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args: Any, label: Any, help_text: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text
