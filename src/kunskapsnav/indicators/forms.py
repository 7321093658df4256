from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import IndicatorDefinition


class RunForm(forms.Form):
    data_folder = forms.CharField(label=_("Katalog med persons.parquet och events.parquet"), max_length=500)
    definitions = forms.ModelMultipleChoiceField(
        label=_("Indikatorer"), queryset=IndicatorDefinition.objects.filter(spec__isnull=False),
        widget=forms.CheckboxSelectMultiple)
    backend = forms.ChoiceField(label=_("Motor"), choices=[("duckdb", "DuckDB"), ("spark", "Apache Spark")],
                                initial="duckdb")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_folder"].help_text = _(
            "En katalog under %(roots)s. En relativ sökväg räknas därifrån.") % {
            "roots": ", ".join(settings.INDICATOR_DATA_ROOTS)}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV-fil"), help_text=_(
        "Kolumnerna indicator, geography, period, stratum, numerator och denominator; se dokumentationen."))


class ValuesFilterForm(forms.Form):
    period_type = forms.ChoiceField(label=_("Period"), required=False,
                                    choices=[("ar", _("År")), ("kvartal", _("Kvartal")), ("manad", _("Månad"))])
    level = forms.ChoiceField(label=_("Nivå"), required=False, choices=[
        ("region", _("Region")), ("sjukvardsregion", _("Sjukvårdsregion")), ("kommun", _("Kommun")),
        ("vardenhet", _("Vårdenhet")), ("riket", _("Riket"))])
    stratum_type = forms.ChoiceField(label=_("Uppdelning"), required=False, choices=[
        ("alla", _("Alla")), ("kon", _("Kön")), ("aldersgrupp", _("Åldersgrupp"))])


class LimitRecalculationForm(forms.Form):
    """A recalculation of the SPC chart's limits, for the area shown (level:code)."""

    area = forms.CharField(label=_("Område"), max_length=60, widget=forms.HiddenInput)
    period = forms.CharField(label=_("Från månad (ÅÅÅÅ-MM)"), max_length=7)
    reason = forms.CharField(label=_("Skäl"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_period(self):
        import datetime

        raw = self.cleaned_data["period"].strip()
        try:
            year, month = raw.split("-")
            return datetime.date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError(_("Ange månaden som ÅÅÅÅ-MM, till exempel 2024-03.")) from None

    def clean_area(self):
        level, _sep, geo = self.cleaned_data["area"].partition(":")
        if not geo:
            raise forms.ValidationError(_("Välj ett område."))
        return level, geo
