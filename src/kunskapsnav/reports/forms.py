import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kunskapsnav.organisation.models import HealthcareRegion, Region

from .models import ReportKind


def _last_year() -> int:
    return timezone.localdate().year - 1


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rapport"), choices=ReportKind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"), required=False,
                                    help_text=_("För en regions årsrapport, eller för att avgränsa till en region."))
    healthcare_region = forms.ModelChoiceField(label=_("Sjukvårdsregion"), required=False,
                                               queryset=HealthcareRegion.objects.order_by("name"))
    period_start = forms.DateField(label=_("Perioden börjar"), help_text=_("ÅÅÅÅ-MM-DD; ett kalenderår om inget annat"))
    period_end = forms.DateField(label=_("Perioden slutar"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = _last_year()
        self.fields["period_start"].initial = datetime.date(year, 1, 1)
        self.fields["period_end"].initial = datetime.date(year, 12, 31)


class AssessmentForm(forms.Form):
    section = forms.SlugField(max_length=40, widget=forms.HiddenInput)
    item = forms.CharField(max_length=80, required=False)
    text = forms.CharField(label=_("Bedömning"), required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 5}))


class MoveForm(forms.Form):
    to = forms.CharField(max_length=20)
