"""The decision form: input to domain values; decisions.candidate_decide checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .decisions import REASON_MAX
from .models import ConflictOutcome


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=ConflictOutcome.choices,
                                error_messages={"required": _("Välj ett beslut."),
                                                "invalid_choice": _("Välj ett av besluten i listan.")})
    reason = forms.CharField(label=_("Motivering"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Skriv en motivering till beslutet."),
                                             "max_length": _("Motiveringen får vara högst 4 000 tecken.")})
    is_public = forms.BooleanField(label=_("Gör beslutet offentligt"), required=False)

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            self.fields["outcome"].choices = [(o, ConflictOutcome(o).label) for o in outcomes]
