"""Forms of the införande pages: input into domain values; the domain functions check the
rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kunskapsnav.knowledge.forms import DateInput
from kunskapsnav.knowledge.models import SupportType
from kunskapsnav.lib.bounds import validators_of
from kunskapsnav.organisation.models import Body, HealthcareRegion, Municipality, Person

from .models import (
    ActionStatus,
    CareField,
    DeciderKind,
    DecisionRule,
    Gap,
    GapRow,
    MeasureKind,
    DecisionOutcome,
    ParticipantKind,
    RuleCondition,
)


class FilterForm(forms.Form):
    npo = forms.ModelChoiceField(label=_("NPO"), required=False, queryset=Body.objects.npos().active().order_by("name"),
                                 empty_label=_("Alla NPO"))
    type = forms.ChoiceField(label=_("Typ"), required=False, choices=[("", _("Alla typer")), *SupportType.choices])


class MatrixFilterForm(FilterForm):
    healthcare_region = forms.ModelChoiceField(label=_("Sjukvårdsregion"), required=False,
                                               queryset=HealthcareRegion.objects.order_by("name"), to_field_name="code",
                                               empty_label=_("Alla sjukvårdsregioner"))


class BudgetSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Inte bedömt")), ("true", _("Ja")), ("false", _("Nej"))]


class GapRowForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    row_version = forms.IntegerField(widget=forms.HiddenInput)
    current_practice = forms.CharField(label=_("Nuvarande arbetssätt"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    gap = forms.ChoiceField(label=_("Gap"), required=False, choices=[("", _("Inte bedömt")), *Gap.choices])
    units = forms.CharField(label=_("Berörda enheter"), required=False, max_length=500)
    municipalities = forms.ModelMultipleChoiceField(label=_("Berörda kommuner"), required=False,
                                                    queryset=Municipality.objects.none(),
                                                    widget=forms.SelectMultiple(attrs={"size": 4}))
    proposed_actions = forms.CharField(label=_("Förslag till åtgärder"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    cost_estimate = forms.DecimalField(label=_("Kostnad (kr)"), required=False, min_value=0, decimal_places=0,
                                       max_digits=12, validators=validators_of(GapRow, "cost_estimate"))
    within_unit_budget = forms.NullBooleanField(label=_("Ryms i enheternas budget"), required=False,
                                                widget=BudgetSelect)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(region=region).order_by("name")


GapRowFormSet = forms.formset_factory(GapRowForm, extra=0)


class ParticipantForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("Företräder"), choices=ParticipantKind.choices)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(home_region=region).order_by("family_name",
                                                                                             "given_name")


class MoveForm(forms.Form):
    to = forms.CharField()
    note = forms.CharField(required=False, max_length=500)


class DecisionForm(forms.Form):
    decided_by = forms.CharField(label=_("Beslutande"), max_length=200)
    body = forms.ModelChoiceField(label=_("Organ"), queryset=Body.objects.none(), required=False,
                                  empty_label=_("Inget organ"))
    municipality = forms.ModelChoiceField(label=_("Kommun"), queryset=Municipality.objects.none(), required=False,
                                          empty_label=_("Ingen kommun"))
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Utfall"), choices=DecisionOutcome.choices)
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=50, required=False)
    notes = forms.CharField(label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("Protokoll (PDF)"), required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(region=region, is_active=True).order_by("name")
        self.fields["municipality"].queryset = Municipality.objects.filter(region=region).order_by("name")


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Åtgärd"), max_length=300)
    owner = forms.CharField(label=_("Ansvarig"), max_length=200)
    due_on = forms.DateField(label=_("Klar senast"), widget=DateInput())


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), choices=MeasureKind.choices)
    name = forms.CharField(label=_("Namn"), max_length=300)
    indicator_code = forms.CharField(label=_("Indikatorkod"), max_length=50, required=False)
    target = forms.CharField(label=_("Målnivå"), max_length=200, required=False)


class CadenceForm(forms.Form):
    review_every_months = forms.IntegerField(label=_("Avstämning var … månad"), required=False, min_value=1,
                                             max_value=36)


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Datum"), widget=DateInput())
    notes = forms.CharField(label=_("Slutsatser"), widget=forms.Textarea(attrs={"rows": 3}))


class CareFieldForm(forms.Form):
    care_field = forms.ChoiceField(label=_("Verksamhetsområde"), choices=CareField.choices)


class DecisionRuleForm(forms.ModelForm):
    class Meta:
        model = DecisionRule
        fields = ["condition", "care_field", "decider_kind", "decider", "preparer", "informed"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(region=region, is_active=True).order_by("name")
        for name in ("decider", "preparer", "informed"):
            self.fields[name].queryset = bodies
        self.fields["condition"].choices = RuleCondition.choices
        self.fields["decider_kind"].choices = DeciderKind.choices


DecisionRuleFormSet = forms.formset_factory(DecisionRuleForm, extra=1, can_delete=True)
