"""Forms of the knowledge portal: they turn input into domain values; the domain functions
check the rules."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kunskapsnav.lib.bounds import validators_of
from kunskapsnav.lib.richtext import from_editor
from kunskapsnav.organisation.models import Body, Level, Region

from .models import (
    CodeSystem, Direction, KnowledgeSupport, Recommendation, Strength, SupportType, SupportVersion, TargetGroup,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _split_codes(value: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", value or "") if c]


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Titel innehåller"), required=False)
    type = forms.ChoiceField(label=_("Typ"), required=False, choices=[("", _("Alla typer")), *SupportType.choices])
    npo = forms.ModelChoiceField(label=_("NPO"), required=False, queryset=Body.objects.npos().active().order_by("name"),
                                 empty_label=_("Alla NPO"))
    target_group = forms.ModelChoiceField(label=_("Målgrupp"), required=False, queryset=TargetGroup.objects.all(),
                                          to_field_name="code", empty_label=_("Alla målgrupper"))
    condition = forms.CharField(label=_("Diagnoskod (ICD-10-SE)"), required=False,
                                widget=forms.TextInput(attrs={"placeholder": "I50"}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök i kunskapsstöden"), required=False)
    type = forms.CharField(required=False, widget=forms.HiddenInput)
    issuer = forms.CharField(required=False, widget=forms.HiddenInput)
    target_group = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.CharField(required=False, widget=forms.HiddenInput)
    include_all = forms.BooleanField(label=_("Visa även ersatta och återkallade versioner"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class SupportForm(forms.ModelForm):
    conditions = forms.CharField(
        label=_("Tillstånd (ICD-10-SE)"), required=False, help_text=_("Koder åtskilda med komma, t.ex. I50, I11.0.")
    )
    summary = forms.CharField(label=_("Sammanfattning"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Tomma rader skiljer stycken åt."))
    review_date = forms.DateField(label=_("Revideringsdatum"), required=False, widget=DateInput())

    class Meta:
        model = KnowledgeSupport
        fields = ["type", "title", "issuer_body", "issuer_agency", "issuer_region", "owning_body", "target_groups"]
        widgets = {"target_groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_body"].queryset = Body.objects.active().at_level(Level.NATIONAL).order_by("kind", "name")
        self.fields["owning_body"].queryset = Body.objects.active().order_by("kind", "name")
        self.fields["issuer_region"].queryset = Region.objects.all()
        if self.instance.pk:
            self.initial["conditions"] = ", ".join(self.instance.conditions.values_list("code", flat=True))
            del self.fields["summary"]
            del self.fields["review_date"]

    def clean_conditions(self):
        return _split_codes(self.cleaned_data["conditions"])

    def clean_summary(self):
        return from_editor(self.cleaned_data["summary"])

    def _post_clean(self):
        pass  # the domain function checks the rules


class VersionForm(forms.ModelForm):
    class Meta:
        model = SupportVersion
        fields = ["summary", "change_note", "review_date"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "change_note": forms.Textarea(attrs={"rows": 3}),
                   "review_date": DateInput()}

    def clean_summary(self):
        return from_editor(self.cleaned_data["summary"])

    def _post_clean(self):
        pass


class RecommendationForm(forms.Form):
    section = forms.CharField(label=_("Avsnitt"), required=False, max_length=200)
    text = forms.CharField(label=_("Rekommendation"), widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Tomma rader skiljer stycken åt."))
    direction = forms.ChoiceField(label=_("Gör eller gör inte"), choices=Direction.choices, initial=Direction.DO)
    priority = forms.IntegerField(label=_("Prioritet (1–10)"), required=False,
                                  validators=validators_of(Recommendation, "priority"),
                                  help_text=_("Socialstyrelsens skala, 1 är högst. Lämna tom om styrka anges."))
    strength = forms.ChoiceField(label=_("Styrka"), required=False, choices=[("", _("Ingen")), *Strength.choices])
    icd10se = forms.CharField(label=_("ICD-10-SE"), required=False, help_text=_("Till exempel I63.9"))
    kva = forms.CharField(label=_("KVÅ"), required=False, help_text=_("Till exempel FNG05"))
    atc = forms.CharField(label=_("ATC"), required=False, help_text=_("Till exempel N05AH03"))
    snomed = forms.CharField(label=_("SNOMED CT"), required=False, help_text=_("Till exempel 230690007"))

    CODE_FIELDS = {"icd10se": CodeSystem.ICD10SE, "kva": CodeSystem.KVA, "atc": CodeSystem.ATC,
                   "snomed": CodeSystem.SNOMED}

    @classmethod
    def initial_for(cls, rec) -> dict:
        initial = {name: getattr(rec, name) for name in ("section", "text", "direction", "priority", "strength")}
        for field, system in cls.CODE_FIELDS.items():
            initial[field] = ", ".join(c.code for c in rec.codes.all() if c.system == system)
        return initial

    def clean_text(self):
        return from_editor(self.cleaned_data["text"])

    def domain_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in ("section", "text", "direction", "priority", "strength")}
        values["codes"] = [
            (system, code) for field, system in self.CODE_FIELDS.items() for code in _split_codes(data[field])
        ]
        return values


class AdditionForm(forms.Form):
    text = forms.CharField(label=_("Regionalt tillägg"), widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Till exempel vart patienten remitteras eller regionens rutin."))

    def clean_text(self):
        return from_editor(self.cleaned_data["text"])


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    file = forms.FileField(label=_("Fil"), help_text=_("PDF, Word, Excel eller PowerPoint, högst 25 MB."))


class ImportForm(forms.Form):
    MAX_SIZE = 10 * 1024 * 1024

    file = forms.FileField(label=_("JSON-fil"), help_text=_("Formatet beskrivs i docs/import-format.md. Högst 10 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("Filen är för stor (högst 10 MB). Dela upp den i flera filer."))
        return upload


class TransitionForm(forms.Form):
    to = forms.CharField()
    note = forms.CharField(required=False, max_length=500)
