"""Forms of the needs pages: they turn input into domain values (lengths from the model);
needs.triage checks the rules (who may, in which status, what a decision needs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation.models import Body

from .models import Decision, Need, NeedStatus, Priority


def _npos():
    return Body.objects.active().npos().order_by("name")


class NeedForm(forms.ModelForm):
    area = forms.ModelChoiceField(label=_("Område (nationellt programområde)"), queryset=_npos(), required=False,
                                  empty_label=_("Vet ej – SKS bedömer"))

    class Meta:
        model = Need
        fields = ["title", "problem", "target_group", "evidence", "existing", "affected", "area", "on_behalf_of",
                  "organisation"]
        widgets = {name: forms.Textarea(attrs={"rows": 4})
                   for name in ("problem", "target_group", "evidence", "existing", "affected")}

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].queryset = bodies
        self.fields["on_behalf_of"].empty_label = _("Inget organ – ange organisationen nedan")


class StartForm(forms.Form):
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssessForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["severity", "affected_count", "unwarranted_variation", "evidence_available", "existing_supports"]
        widgets = {"existing_supports": forms.Textarea(attrs={"rows": 3})}


class ReassignForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Nytt område"), queryset=_npos(), required=False,
                                  empty_label=_("Inget NPO passar – till SKS"))
    note = forms.CharField(label=_("Varför"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Beslut"), choices=Decision.choices)
    priority = forms.TypedChoiceField(label=_("Prioritet"), choices=Priority.choices, coerce=int)
    reason = forms.CharField(label=_("Motivering (visas för den som skickade in)"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    referred_to = forms.CharField(label=_("Hänvisas till"), required=False, max_length=200,
                                  help_text=_("Vid hänvisning: Rådet för styrning med kunskap eller en myndighet."))
    support = forms.ModelChoiceField(label=_("Kunskapsstöd som revideras (nummer)"), required=False,
                                     queryset=KnowledgeSupport.objects.all(), widget=forms.NumberInput,
                                     help_text=_("Numret i kunskapsstödets adress, vid revidering."))


class LinkForm(forms.Form):
    # A number, not a list: there are tens of thousands of supports.
    support = forms.ModelChoiceField(label=_("Kunskapsstödet som besvarar behovet (nummer)"),
                                     queryset=KnowledgeSupport.objects.all(), widget=forms.NumberInput,
                                     help_text=_("Numret i kunskapsstödets adress."))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Svar"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))


STEP_FORMS = {"start": StartForm, "assess": AssessForm, "reassign": ReassignForm, "decide": DecideForm,
              "link": LinkForm, "answer": AnswerForm}


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Alla"))] + NeedStatus.choices)
    priority = forms.TypedChoiceField(label=_("Prioritet"), required=False, coerce=int, empty_value=None,
                                      choices=[("", _("Alla"))] + Priority.choices)
    decision = forms.ChoiceField(label=_("Beslut"), required=False, choices=[("", _("Alla"))] + Decision.choices)
    mine = forms.BooleanField(label=_("Bara mina"), required=False)


