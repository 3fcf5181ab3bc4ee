from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LevelDescriptionsForm(forms.Form):
    """One text per level of every scale of the catalogue, filled with what is shown today."""

    def __init__(self, *args, catalogue, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.groups = []
        for scale in catalogue.scales:
            names = []
            default = defaults.scale(scale.id)
            for level in scale.levels:
                name = f"{scale.id}__{level.label}"
                self.fields[name] = forms.CharField(
                    label=level.label.capitalize(),
                    initial=level.description,
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Standard: %(text)s")
                    % {"text": default.level(level.label).description},
                )
                names.append(name)
            self.groups.append((scale, [self[n] for n in names]))

    def descriptions(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for name, value in self.cleaned_data.items():
            scale, label = name.split("__", 1)
            out.setdefault(scale, {})[label] = value
        return out
