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
