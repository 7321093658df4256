"""Forms of the remiss pages: they turn input into domain values; the domain functions check
the rules (deadlines, who may, what belongs to whom)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kunskapsnav.knowledge.forms import DateInput
from kunskapsnav.organisation.models import Body, Municipality, Person, Region

from .models import CommentKind, ResponseOutcome


class RoundForm(forms.Form):
    opens_on = forms.DateField(label=_("Öppnar"), widget=DateInput())
    closes_on = forms.DateField(label=_("Sista svarsdag"), widget=DateInput(),
                                help_text=_("Svar tas emot till och med den dagen, svensk tid."))
    instructions = forms.CharField(label=_("Instruktioner till remissinstanserna"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))
    all_regions = forms.BooleanField(label=_("Bjud in alla 21 regioner"), required=False, initial=True)
    municipalities = forms.CharField(
        label=_("Kommuner"), required=False,
        help_text=_("Kommunkoder åtskilda med komma, t.ex. 1880, 0380."),
    )
    organisations = forms.CharField(
        label=_("Andra organisationer"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En per rad: patientorganisationer, professionsföreningar."),
    )
    open_to_all = forms.BooleanField(label=_("Öppen remiss: alla registrerade organisationer får svara"),
                                     required=False)

    def clean_municipalities(self):
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["municipalities"]) if c]
        found = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(_("Okända kommunkoder: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [found[c] for c in dict.fromkeys(codes)]

    def clean_organisations(self):
        return [line.strip() for line in self.cleaned_data["organisations"].splitlines() if line.strip()]


class InvitationForm(forms.Form):
    """One more party: a region (an open remiss's coordinator enters their own), a kommun by
    its code, or an organisation by name."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("county_code"),
                                    to_field_name="county_code", required=False, empty_label=_("Ingen region"))
    municipality = forms.CharField(label=_("Kommunkod"), required=False, max_length=4)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)

    def clean_municipality(self):
        code = self.cleaned_data["municipality"].strip()
        if not code:
            return None
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise ValidationError(_("Okända kommunkoder: %(codes)s.") % {"codes": code})
        return municipality


class AssignmentForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Till ett organ"), queryset=Body.objects.none(), required=False,
                                  empty_label=_("Inget organ"))
    person = forms.ModelChoiceField(label=_("Eller till en person"), queryset=Person.objects.none(), required=False,
                                    empty_label=_("Ingen person"))
    due_on = forms.DateField(label=_("Svara senast"), widget=DateInput())
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(region=region, is_active=True).order_by("name")
        self.fields["person"].queryset = Person.objects.filter(home_region=region).order_by("family_name",
                                                                                             "given_name")


def _recommendation_choices(version):
    from .compilation import recommendation_label

    return [("", _("Hela kunskapsstödet eller ett avsnitt"))] + [
        (str(r.pk), recommendation_label(r)) for r in version.recommendations.order_by("position")
    ]


class AnchorMixin:
    """A comment or point is about one recommendation of the version, a section, or the whole."""

    def set_version(self, version):
        self.version = version
        self.fields["recommendation"].choices = _recommendation_choices(version)

    def clean_recommendation(self):
        pk = self.cleaned_data["recommendation"]
        return self.version.recommendations.filter(pk=pk).first() if pk else None


class CommentForm(AnchorMixin, forms.Form):
    recommendation = forms.ChoiceField(label=_("Avser"), required=False)
    section = forms.CharField(label=_("Avsnitt"), required=False, max_length=200,
                              help_text=_("Om synpunkten gäller ett avsnitt snarare än en rekommendation."))
    kind = forms.ChoiceField(label=_("Typ av synpunkt"), choices=CommentKind.choices, initial=CommentKind.SUBSTANCE)
    text = forms.CharField(label=_("Synpunkt"), widget=forms.Textarea(attrs={"rows": 4}))
    proposed_text = forms.CharField(label=_("Förslag till ny text"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(version)


class AnswerForm(forms.Form):
    summary = forms.CharField(label=_("Sammanfattning"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Regionens ställningstagande i stort."))
    signed_by = forms.CharField(label=_("Undertecknas av"), max_length=200, required=False,
                                help_text=_("Namn och befattning, t.ex. hälso- och sjukvårdsdirektör."))


class PointForm(AnchorMixin, forms.Form):
    """One row of the composer: an internal comment or a point of the draft. Rows given the
    same number become one point of the answer."""

    include = forms.BooleanField(label=_("Ta med"), required=False)
    point = forms.IntegerField(label=_("Punkt nr"), min_value=1, required=False)
    recommendation = forms.ChoiceField(label=_("Avser"), required=False)
    section = forms.CharField(label=_("Avsnitt"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Typ"), choices=CommentKind.choices)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposed_text = forms.CharField(label=_("Förslag till ny text"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    comments = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(version)

    def clean_comments(self):
        value = self.cleaned_data["comments"]
        if not re.fullmatch(r"(\d+(,\d+)*)?", value):
            raise ValidationError(_("Ogiltig hänvisning till synpunkter."))
        return [int(pk) for pk in value.split(",") if pk]

    def clean(self):
        data = super().clean()
        if data.get("include") and not (data.get("text") or "").strip():
            self.add_error("text", _("En punkt som tas med behöver en text."))
        return data


PointFormSet = forms.formset_factory(PointForm, extra=0)


class ResponseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Bedömning"), choices=ResponseOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    with_version = forms.ModelChoiceField(label=_("Publiceras med version"), queryset=None, required=False,
                                          empty_label=_("Ingen ny version än"))

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        version = round_.version
        self.fields["with_version"].queryset = version.support.versions.filter(number__gt=version.number)
