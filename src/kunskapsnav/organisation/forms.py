"""One small form per action. They convert input to domain values; the rules themselves are
checked by the domain functions, whose errors the views attach to these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import memberships, people, permissions
from .models import (
    Body,
    BodyKind,
    HealthcareRegion,
    KINDS_BY_LEVEL,
    Level,
    Membership,
    MIRRORABLE_KINDS,
    Person,
    Region,
)


def _offer(field: forms.ModelChoiceField, queryset):
    """Show only these choices, while still accepting any value of the field's queryset."""
    field.widget.choices = [("", field.empty_label), *((obj.pk, field.label_from_instance(obj)) for obj in queryset)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BodyFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False)
    level = forms.ChoiceField(label=_("Nivå"), required=False, choices=[("", _("Alla nivåer")), *Level.choices])
    kind = forms.ChoiceField(label=_("Typ"), required=False, choices=[("", _("Alla typer")), *BodyKind.choices])
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.all(), empty_label=_("Alla regioner"),
        to_field_name="county_code",
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "description", "region", "healthcare_region", "mirrors", "parent", "host_region", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mirrors"].queryset = Body.objects.active().filter(kind__in=MIRRORABLE_KINDS).order_by("kind", "name")
        self.fields["parent"].queryset = Body.objects.active().order_by("name")
        if not permissions.is_national_admin(user):
            self._offer_only_own_region(user)

    def _offer_only_own_region(self, user):
        """A coordinator is offered the kinds and regions they work with. Only the offer is
        narrowed (the widget's choices): a value outside it still reaches the domain
        function, which refuses it as a permission matter, the same as in the API."""
        regions = permissions.coordinated_region_ids(user) | {self.instance.region_id}
        if self.instance.pk is None or self.instance.level == Level.LOCAL:
            local = sorted(KINDS_BY_LEVEL[Level.LOCAL])
            self.fields["kind"].widget.choices = [(k, BodyKind(k).label) for k in local]
            _offer(self.fields["region"], Region.objects.filter(pk__in=regions))
            _offer(self.fields["parent"], Body.objects.active().filter(region_id__in=regions).order_by("name"))
        if self.instance.pk is not None:
            self.fields["kind"].disabled = True
        for name in ("healthcare_region", "host_region"):
            del self.fields[name]
        if self.instance.pk is not None and self.instance.level == Level.NATIONAL:
            del self.fields["region"]
            del self.fields["mirrors"]

    def _post_clean(self):
        # The rules are checked by bodies.body_create/body_update, the constraints by the
        # database; the model's full_clean would report some of them twice.
        pass


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", *memberships.EDITABLE_FIELDS]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.fields["person"].queryset = Person.objects.select_related("home_region")
        self.fields["represents_healthcare_region"].queryset = HealthcareRegion.objects.all()
        if body.level == Level.LOCAL:
            self.fields["represents_region"].queryset = Region.objects.filter(pk=body.region_id)
            del self.fields["represents_healthcare_region"]
        elif body.level == Level.HEALTHCARE_REGIONAL:
            self.fields["represents_region"].queryset = Region.objects.filter(healthcare_region=body.healthcare_region_id)
        if self.instance.pk is not None:
            del self.fields["person"]
        self.fields["time_share"].widget.attrs.update({"min": 0, "max": 100})

    def _post_clean(self):
        # The domain function checks the rules (and the database its constraints); the
        # model's own full_clean would report some of them twice.
        pass


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = list(people.EDITABLE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not (permissions.is_national_admin(user) or permissions.edited_body_ids(user)):
            regions = permissions.coordinated_region_ids(user)
            if self.instance.pk is None or self.instance.user_id != user.pk:
                # Offered only; the domain function refuses other regions (see BodyForm).
                _offer(self.fields["home_region"], Region.objects.filter(pk__in=regions))
                self.fields["home_region"].required = True

    def _post_clean(self):
        pass


class MandateForm(forms.Form):
    text = forms.CharField(label=_("Uppdragsbeskrivning"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 8}))
    valid_from = forms.DateField(label=_("Gäller från"), widget=DateInput)
    adopted_by = forms.CharField(label=_("Fastställd av"), max_length=200, required=False,
                                 help_text=_("Till exempel RMKS 2025-03-12 § 4."))
