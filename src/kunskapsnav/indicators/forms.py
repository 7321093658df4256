from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .chart_settings import BASELINE_POINTS_MAX, REASON_MAX
from .models import ChartType, IndicatorDefinition, VariationType
from .spec import BASELINE_MIN


def _month(raw: str):
    """ÅÅÅÅ-MM as the month's first day."""
    import datetime

    try:
        year, month = raw.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise forms.ValidationError(_("Ange månaden som ÅÅÅÅ-MM, till exempel 2024-03.")) from None


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
        return _month(self.cleaned_data["period"])

    def clean_area(self):
        level, _sep, geo = self.cleaned_data["area"].partition(":")
        if not geo:
            raise forms.ValidationError(_("Välj ett område."))
        return level, geo


class ChartSettingsForm(forms.Form):
    """How the indicator's variation is read: chart type, kind of care, baseline."""

    chart_type = forms.ChoiceField(label=_("Diagramtyp över tid"), choices=ChartType.choices, error_messages={
        "required": _("Välj en diagramtyp."), "invalid_choice": _("Välj en av diagramtyperna.")})
    variation_type = forms.ChoiceField(
        label=_("Typ av vård (för hur variationen läses)"), choices=VariationType.choices, required=False,
        error_messages={"invalid_choice": _("Välj en av typerna av vård.")})
    baseline_points = forms.IntegerField(
        label=_("Baslinje: antal första punkter"), required=False, min_value=BASELINE_MIN,
        max_value=BASELINE_POINTS_MAX,
        help_text=_("Gränserna räknas från så många första punkter och hålls sedan fasta. Tomt: alla punkter."),
        error_messages={"invalid": _("Ange antalet punkter som ett heltal."),
                        "min_value": _("Baslinjen ska ha minst %(limit_value)s punkter."),
                        "max_value": _("Baslinjen får ha högst %(limit_value)s punkter.")})
    baseline_end = forms.CharField(
        label=_("Eller baslinje till och med månad (ÅÅÅÅ-MM)"), required=False, max_length=7,
        error_messages={"max_length": _("Ange månaden som ÅÅÅÅ-MM, till exempel 2024-03.")})
    reason = forms.CharField(label=_("Skäl till ändringen"), required=False, max_length=REASON_MAX,
                             error_messages={"max_length": _("Skälet får vara högst %(limit_value)s tecken.")})

    def __init__(self, *args, definition=None, **kwargs):
        if definition is not None and "initial" not in kwargs and not args:
            kwargs["initial"] = {"chart_type": definition.chart_type, "variation_type": definition.variation_type,
                                 "baseline_points": definition.baseline_points,
                                 "baseline_end": f"{definition.baseline_end:%Y-%m}" if definition.baseline_end else ""}
        super().__init__(*args, **kwargs)

    def clean_baseline_end(self):
        raw = self.cleaned_data["baseline_end"].strip()
        return _month(raw) if raw else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("baseline_points") is not None and cleaned.get("baseline_end") is not None:
            self.add_error("baseline_end", _("Ange baslinjen antingen som antal punkter eller som en period, inte båda."))
        return cleaned
