"""The register's forms: a practice, and its links."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from kunskapsnav.organisation.models import Region

from .models import LowValuePractice

MAX_KEYS = 200


class PracticeForm(forms.ModelForm):
    region = forms.ModelChoiceField(Region.objects.order_by("county_code"), required=False, label=_("Region"),
                                    help_text=_("Bara för en regional icke-göra-rekommendation."))
    # An address typed without its scheme is read as https, as Django 6.0 will by default.
    link = forms.URLField(label=_("Länk till källan"), max_length=500, assume_scheme="https")

    class Meta:
        model = LowValuePractice
        fields = ["title", "source", "region", "practice_system", "practice_code", "condition", "condition_code",
                  "rationale", "link"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"practice_code": _("Koden för det som inte bör göras: en KVÅ-, ATC-, ICD-10-SE- eller "
                                         "SNOMED CT-kod."),
                      "condition_code": _("Frivilligt; till exempel J20 för akut bronkit.")}

    def _post_clean(self):
        """The domain function validates the practice (practices._problems), in one place."""


class LinksForm(forms.Form):
    recommendations = forms.MultipleChoiceField(
        label=_("Gör inte-rekommendationer som bär åtgärden"), required=False, widget=forms.CheckboxSelectMultiple)
    other_keys = forms.CharField(
        label=_("Fler rekommendationer (identitet)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_KEYS * 40,
        help_text=_("En rekommendations identitet per rad, för en rekommendation som inte föreslås ovan."))
    indicators = forms.MultipleChoiceField(
        label=_("Indikatorer som mäter åtgärden"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, recommendation_choices, indicator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].choices = recommendation_choices
        self.fields["indicators"].choices = indicator_choices

    def clean_other_keys(self):
        keys = []
        for line in self.cleaned_data["other_keys"].split():
            try:
                keys.append(uuid.UUID(line))
            except ValueError:
                raise forms.ValidationError(
                    _("%(line)s är ingen identitet. Klistra in identiteten som den står på rekommendationen.")
                    % {"line": line[:60]}) from None
        return keys

    def keys(self) -> list[uuid.UUID]:
        return [uuid.UUID(k) for k in self.cleaned_data["recommendations"]] + self.cleaned_data["other_keys"]
