"""One small form per action of the people pages. They convert input to domain values; the
rules are checked by the domain functions (calls, nominations, chain, declarations,
participation, compensation), whose errors the views attach to these forms.

Where a form offers only what the user may choose (their bodies, their regions), only the
offer is narrowed: a value outside it still reaches the domain function, which refuses it as
a permission matter, the same as in the API (as organisation.forms does)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kunskapsnav.lib.bounds import validators_of
from kunskapsnav.organisation.forms import DateInput
from kunskapsnav.organisation.models import Body, HealthcareRegion, Person, Region
from kunskapsnav.organisation.permissions import coordinated_region_ids, is_national_admin

from . import calls, participation, permissions
from .models import (
    Assessment, CompensationBasis, CompensationClaim, CompensationModel, Interest, InterestCategory, NominationCall,
    Outcome, ParticipationAssignment, Representative,
)


def _offer(field: forms.ModelChoiceField, queryset):
    """Show only these choices, while still accepting any value of the field's queryset."""
    field.widget.choices = [("", field.empty_label), *((obj.pk, field.label_from_instance(obj)) for obj in queryset)]


def _regions_of(user):
    """The regions a coordinator works for; every region for a national administrator."""
    if is_national_admin(user):
        return Region.objects.order_by("county_code")
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("county_code")


class _DomainChecked:
    def _post_clean(self):
        # The domain function checks the rules (and the database its constraints); the
        # model's own full_clean would report some of them twice.
        pass


# --- calls and nominations -----------------------------------------------------------


class CallForm(_DomainChecked, forms.ModelForm):
    class Meta:
        model = NominationCall
        fields = ["body", *calls.EDITABLE_FIELDS]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "closes_on": DateInput(),
                   "profile": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["body"]
        else:
            self.fields["body"].queryset = Body.objects.active().order_by("name")
            _offer(self.fields["body"], permissions.call_bodies(user).order_by("name"))
        self.fields["represents_region"].queryset = Region.objects.order_by("county_code")
        self.fields["represents_healthcare_region"].queryset = HealthcareRegion.objects.order_by("name")
        self.fields["time_share"].widget.attrs.update({"min": 0, "max": 100})


NAME_MAX, TITLE_MAX, MOTIVATION_MAX = 100, 150, 4000


class SelfNominationForm(forms.Form):
    """The public form. Every message says what to do; nothing typed is lost on an error."""

    given_name = forms.CharField(
        label=_("Förnamn"), max_length=NAME_MAX,
        error_messages={"required": _("Skriv ditt förnamn."),
                        "max_length": _("Förnamnet får vara högst %(limit_value)d tecken. Korta det.")})
    family_name = forms.CharField(
        label=_("Efternamn"), max_length=NAME_MAX,
        error_messages={"required": _("Skriv ditt efternamn."),
                        "max_length": _("Efternamnet får vara högst %(limit_value)d tecken. Korta det.")})
    email = forms.EmailField(
        label=_("E-post"), max_length=254,
        help_text=_("Vi skriver till den här adressen om din anmälan."),
        error_messages={"required": _("Skriv din e-postadress."),
                        "invalid": _("Skriv e-postadressen i formatet namn@exempel.se."),
                        "max_length": _("E-postadressen får vara högst %(limit_value)d tecken.")})
    title = forms.CharField(
        label=_("Yrke eller befattning"), max_length=TITLE_MAX, required=False,
        error_messages={"max_length": _("Yrke eller befattning får vara högst %(limit_value)d tecken. Korta det.")})
    home_region = forms.ModelChoiceField(
        label=_("Region där du arbetar"), queryset=Region.objects.order_by("name"), empty_label=_("Välj region"),
        help_text=_("Kunskapsstödsgruppen i den regionen bereder din anmälan."),
        error_messages={"required": _("Välj den region där du arbetar."),
                        "invalid_choice": _("Välj en region i listan.")})
    motivation = forms.CharField(
        label=_("Varför vill du delta?"), max_length=MOTIVATION_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Beskriv din kompetens och erfarenhet av området. Högst 4000 tecken."),
        error_messages={"required": _("Beskriv varför du vill delta och vilken erfarenhet du har."),
                        "max_length": _("Motiveringen får vara högst %(limit_value)d tecken (nu %(show_value)d). "
                                        "Korta den.")})
    consent = forms.BooleanField(
        label=_("Jag har läst hur mina uppgifter hanteras och samtycker till det."),
        error_messages={"required": _("Kryssa i rutan för att godkänna hur dina uppgifter hanteras. Utan samtycke "
                                      "kan vi inte ta emot anmälan.")})
    # The honeypot: people do not see it, simple robots fill it in.
    webbplats = forms.CharField(label=_("Lämna detta fält tomt"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["webbplats"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["given_name"].widget.attrs.update({"autocomplete": "given-name"})
        self.fields["family_name"].widget.attrs.update({"autocomplete": "family-name"})
        self.fields["title"].widget.attrs.update({"autocomplete": "organization-title"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("webbplats"), "").strip())

    @property
    def visible_without_trap(self):
        return [f for f in self.visible_fields() if f.name != "webbplats"]

    def nomination_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("consent", "webbplats")}


class NominateForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(),
                                    help_text=_("Personer i registret från din region."))
    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(home_region__isnull=False).select_related("home_region")
        self.fields["person"].queryset = people
        if not is_national_admin(user):
            _offer(self.fields["person"], people.filter(home_region_id__in=coordinated_region_ids(user)))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Kommentar eller protokollsreferens"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Krävs när nomineringen avslås."))


# --- declarations --------------------------------------------------------------------


class DeclarationForm(forms.Form):
    nothing_to_declare = forms.BooleanField(label=_("Jag har inga intressen att redovisa"), required=False)


class InterestForm(forms.Form):
    """One declared tie. Required fields are checked by declarations.declaration_submit, so
    that an empty extra row is simply left out."""

    category = forms.ChoiceField(label=_("Slag"), required=False,
                                 choices=[("", _("Välj slag")), *InterestCategory.choices])
    organisation = forms.CharField(label=_("Organisation eller företag"), required=False, max_length=200)
    description = forms.CharField(label=_("Vad det gäller"), required=False, max_length=300)
    start_date = forms.DateField(label=_("Från"), required=False, widget=DateInput(),
                                 error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
    end_date = forms.DateField(label=_("Till"), required=False, widget=DateInput(),
                               error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
    amount = forms.DecimalField(label=_("Belopp (kronor)"), required=False, min_value=0, decimal_places=0,
                                max_digits=12, error_messages={"invalid": _("Ange beloppet i hela kronor.")},
                                validators=validators_of(Interest, "amount"))


InterestFormSet = forms.formset_factory(InterestForm, extra=3)


class AssessForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Bedömning"), choices=Assessment.choices, widget=forms.RadioSelect)
    reasoning = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("Åtgärder"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Bara när jävet hanteras med åtgärder, t.ex. deltar inte i beredningen "
                                           "av en namngiven fråga."))


class AssessorForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("county_code"))
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(),
                                    help_text=_("Personer med användarkonto i regionen."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = _regions_of(user)
        _offer(self.fields["region"], regions)
        people = Person.objects.filter(user__isnull=False).select_related("home_region")
        self.fields["person"].queryset = people
        _offer(self.fields["person"], people.filter(home_region__in=regions))


# --- participation and compensation --------------------------------------------------


class RepresentativeForm(_DomainChecked, forms.ModelForm):
    class Meta:
        model = Representative
        fields = list(participation.REPRESENTATIVE_FIELDS)
        widgets = {"consent_on": DateInput(), "experience_areas": forms.Textarea(attrs={"rows": 3})}


class RepresentativeAddForm(RepresentativeForm):
    """A new entry in the pool: a person already in the registry, or a new one."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("county_code"))
    person = forms.ModelChoiceField(label=_("Person i registret"), required=False, queryset=Person.objects.none(),
                                    empty_label=_("Ny person (fyll i nedan)"))
    given_name = forms.CharField(label=_("Förnamn (ny person)"), required=False, max_length=100)
    family_name = forms.CharField(label=_("Efternamn (ny person)"), required=False, max_length=100)
    email = forms.EmailField(label=_("E-post (ny person)"), required=False,
                             error_messages={"invalid": _("Skriv e-postadressen i formatet namn@exempel.se.")})

    class Meta(RepresentativeForm.Meta):
        fields = ["region", "person", "given_name", "family_name", "email", *participation.REPRESENTATIVE_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = _regions_of(user)
        _offer(self.fields["region"], regions)
        people = Person.objects.filter(representative__isnull=True).select_related("home_region")
        self.fields["person"].queryset = people
        _offer(self.fields["person"], people.filter(home_region__in=regions))
        if regions.count() == 1:
            self.fields["region"].initial = regions.first().pk

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("given_name", "").strip() and data.get("family_name", "").strip()):
            self.add_error("person", _("Välj en person i registret eller fyll i förnamn och efternamn för en ny."))
        return data

    NEW_PERSON = ("given_name", "family_name", "email")

    def new_person_values(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.NEW_PERSON}

    def representative_values(self) -> dict:
        return {k: self.cleaned_data[k] for k in participation.REPRESENTATIVE_FIELDS}


class AssignmentForm(_DomainChecked, forms.ModelForm):
    class Meta:
        model = ParticipationAssignment
        fields = list(participation.ASSIGNMENT_FIELDS)
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        localized_fields = ["planned_hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.active().order_by("name")


class ClaimForm(forms.Form):
    worked_on = forms.DateField(label=_("Datum"), widget=DateInput(),
                                error_messages={"required": _("Ange vilken dag arbetet gjordes."),
                                                "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
    hours = forms.DecimalField(label=_("Timmar"), max_digits=5, decimal_places=1,
                               error_messages={"required": _("Ange antal timmar."),
                                               "invalid": _("Ange timmar som ett tal, t.ex. 2,5.")},
                               validators=validators_of(CompensationClaim, "hours"))
    occasions = forms.IntegerField(label=_("Tillfällen"), initial=1,
                                   validators=validators_of(CompensationClaim, "occasions"))
    travel_km = forms.DecimalField(label=_("Resa med egen bil (km)"), max_digits=7, decimal_places=1, initial=0,
                                   validators=validators_of(CompensationClaim, "travel_km"))
    travel_costs = forms.DecimalField(label=_("Biljetter och andra resekostnader (kronor)"), max_digits=8,
                                      decimal_places=2, initial=0,
                                      validators=validators_of(CompensationClaim, "travel_costs"))
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hours", "travel_km", "travel_costs"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True


class ClaimDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Beslut"), coerce=lambda v: v == "ja",
                                     choices=[("ja", _("Godkänn")), ("nej", _("Avslå"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=300)


class CompensationModelForm(_DomainChecked, forms.ModelForm):
    class Meta:
        model = CompensationModel
        fields = ["basis", "hourly_rate", "fixed_fee", "mileage_rate"]
        localized_fields = ["hourly_rate", "fixed_fee", "mileage_rate"]  # a decimal comma, as typed in Swedish

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = CompensationBasis.choices


class PayableListForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("county_code"))
    period = forms.CharField(label=_("Period (ÅÅÅÅ-MM)"), max_length=7,
                             error_messages={"required": _("Ange perioden som år och månad, till exempel 2026-11.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = _regions_of(user)
        _offer(self.fields["region"], regions)
        if regions.count() == 1:
            self.fields["region"].initial = regions.first().pk


class YearForm(forms.Form):
    ar = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
