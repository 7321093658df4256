"""Pages of the organisation registry. Thin: parse, call one domain function, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kunskapsnav.lib.forms import attach_errors
from kunskapsnav.lib.redirects import next_url
from kunskapsnav.lib.spreadsheets import csv_writer
from . import bodies, coverage, extensions, mandates, memberships, people, permissions, selectors
from .forms import BodyFilterForm, BodyForm, MandateForm, MembershipForm, PersonForm
from .models import Body, HealthcareRegion, Membership, Person, Region


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel opens the file as UTF-8
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


# --- bodies --------------------------------------------------------------------------


def _filtered_bodies(request):
    form = BodyFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.bodies_search(
        q=params.get("q", ""),
        level=params.get("level") or None,
        kind=params.get("kind") or None,
        region=params.get("region"),
        sort=params.get("sort") or "name",
    )
    return form, qs, params.get("sort") or "name"


@require_safe
def body_list(request):
    form, qs, sort = _filtered_bodies(request)
    params = request.GET.copy()
    params.pop("sort", None)
    context = {"form": form, "bodies": qs, "sort": sort, "query": params.urlencode()}
    if request.htmx:  # the table alone, refreshed as the user types
        return render(request, "organisation/body_list.html#results", context)
    context["section_links"] = extensions.section_links(request)
    return render(request, "organisation/body_list.html", context)


@require_safe
def body_list_csv(request):
    _form, qs, _sort = _filtered_bodies(request)
    rows = (
        [b.name, b.get_kind_display(), b.level.label, b.owner or _("Nationell"), b.mirrors or "", b.host_region or ""]
        for b in qs
    )
    header = [_("Namn"), _("Typ"), _("Nivå"), _("Tillhör"), _("Speglar"), _("Värdregion")]
    return _csv_response("organ.csv", header, rows)


@require_safe
def body_detail(request, pk):
    body = get_object_or_404(Body.objects.select_related("region", "healthcare_region", "mirrors", "parent", "host_region"), pk=pk)
    current, other = selectors.memberships_of_body(body)
    return render(
        request,
        "organisation/body_detail.html",
        {
            "body": body,
            "current_memberships": current,
            "other_memberships": other,
            "mirrored_by": body.mirrored_by.active().select_related("region", "healthcare_region").order_by("name"),
            "children": body.children.active().order_by("name"),
            "history": selectors.body_history(body, user=request.user),
            "hide_authors": not permissions.can_see_change_authors(request.user),
            "can_edit": permissions.can_edit_body(request.user, body),
            "show_contact": permissions.can_see_contact_details(request.user),
            "mandates": list(body.mandates.all()),
            "current_mandate": mandates.mandate_on(body.pk, timezone.localdate()),
            "mandate_form": MandateForm(initial={"valid_from": timezone.localdate()})
            if permissions.can_edit_body(request.user, body) else None,
        },
    )


@login_required
@require_POST
def mandate_adopt(request, pk):
    body = get_object_or_404(Body, pk=pk)
    if not permissions.can_edit_body(request.user, body):
        raise PermissionDenied(_("Du får inte ändra det här organets uppdragsbeskrivning."))
    form = MandateForm(request.POST)
    if form.is_valid():
        try:
            mandates.mandate_adopt(by=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppdragsbeskrivningen är sparad som en ny version."))
            return redirect(f"{body.get_absolute_url()}#uppdragsbeskrivning")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{body.get_absolute_url()}#uppdragsbeskrivning")


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request):
    if not permissions.can_create_any_body(request.user):
        raise PermissionDenied(_("Du får inte skapa organ."))
    initial = {}
    if "mirrors" in request.GET:
        initial["mirrors"] = request.GET["mirrors"]
        initial["kind"] = "LPO"
    if "region" in request.GET:
        initial["region"] = request.GET["region"]
    form = BodyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            body = bodies.body_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(body)s har skapats.") % {"body": body})
            return redirect(body)
    return render(request, "organisation/body_form.html", {"form": form, "body": None})


@login_required
@require_http_methods(["GET", "POST"])
def body_update(request, pk):
    body = get_object_or_404(Body, pk=pk)
    if not permissions.can_edit_body(request.user, body):
        raise PermissionDenied(_("Du får inte ändra det här organet."))
    form = BodyForm(request.POST or None, instance=body, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}
        try:
            body = bodies.body_update(by=request.user, body=body, **values)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Ändringarna i %(body)s har sparats.") % {"body": body})
            return redirect(body)
    return render(request, "organisation/body_form.html", {"form": form, "body": body})


# --- memberships ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def membership_create(request, body_pk):
    body = get_object_or_404(Body, pk=body_pk)
    if not permissions.may_add_memberships(request.user, body):
        raise PermissionDenied(_("Du får inte ändra uppdrag i %(body)s.") % {"body": body})
    form = MembershipForm(request.POST or None, body=body, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            membership = memberships.membership_create(by=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(membership)s har lagts till.") % {"membership": membership})
            return redirect(body)
    return render(request, "organisation/membership_form.html", {"form": form, "body": body, "membership": None})


@login_required
@require_http_methods(["GET", "POST"])
def membership_update(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("body", "person"), pk=pk)
    body = membership.body
    if not permissions.can_manage_membership(
        request.user, body=body, role=membership.role, represents_region_id=membership.represents_region_id
    ):
        raise PermissionDenied(_("Du får inte ändra uppdrag i %(body)s.") % {"body": body})
    form = MembershipForm(request.POST or None, instance=membership, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            membership = memberships.membership_update(by=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppdraget har sparats."))
            return redirect(body)
    return render(request, "organisation/membership_form.html", {"form": form, "body": body, "membership": membership})


# --- people --------------------------------------------------------------------------


@require_safe
def person_detail(request, pk):
    person = get_object_or_404(selectors.people_visible_to(request.user).select_related("home_region"), pk=pk)
    show_contact = permissions.can_see_contact_details(request.user)
    return render(
        request,
        "organisation/person_detail.html",
        {
            "person": person,
            "memberships": selectors.memberships_of_person(person),
            "today": timezone.localdate(),
            "time_allocated": selectors.time_allocated(person),
            "more_facts": extensions.person_facts(request, person),
            "history": selectors.person_history(person, user=request.user),
            "can_edit": permissions.can_edit_person(request.user, person),
            "show_contact": show_contact,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    if not permissions.can_create_person(request.user):
        raise PermissionDenied(_("Du får inte lägga till personer i registret."))
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.person_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(person)s har lagts till.") % {"person": person})
            return redirect(next_url(request, person))
    return render(request, "organisation/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_update(request, pk):
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied(_("Du får inte ändra uppgifterna om den här personen."))
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.person_update(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppgifterna har sparats."))
            return redirect(person)
    return render(request, "organisation/person_form.html", {"form": form, "person": person})


# --- regions and coverage ------------------------------------------------------------


@require_safe
def region_list(request):
    healthcare_regions = HealthcareRegion.objects.prefetch_related("regions")
    return render(request, "organisation/region_list.html", {"healthcare_regions": healthcare_regions})


@require_safe
def region_detail(request, county_code):
    region = get_object_or_404(Region.objects.select_related("healthcare_region"), county_code=county_code)
    matrix = coverage.region_coverage(regions=[region])
    hr_coverage = coverage.healthcare_region_coverage(healthcare_region=region.healthcare_region)
    ksg_members = dict(hr_coverage.ksg_members_by_region).get(region, [])
    return render(
        request,
        "organisation/region_detail.html",
        {
            "region": region,
            "cells": matrix.row(region),
            "holes": matrix.holes(region),
            "bodies": selectors.local_bodies_of_region(region),
            "ksg": hr_coverage.ksg,
            "ksg_members": ksg_members,
            "municipalities": region.municipalities.all(),
            "history": selectors.region_history(region, user=request.user),
            "hide_authors": not permissions.can_see_change_authors(request.user),
            "can_create_body": permissions.can_create_body(request.user, kind="LPO", region_id=region.pk),
        },
    )


def _coverage_rows(matrix):
    for region in matrix.regions:
        for cell in matrix.row(region):
            yield [
                region.county_code,
                region.name,
                cell.npo.name,
                cell.status.label,
                ", ".join(b.name for b in cell.bodies),
                ", ".join(str(p) for p in cell.contacts),
            ]


COVERAGE_HEADER = [_("Länskod"), _("Region"), _("NPO"), _("Täckning"), _("Lokala organ"), _("Kontaktpersoner")]


@require_safe
def region_coverage_csv(request, county_code):
    region = get_object_or_404(Region, county_code=county_code)
    matrix = coverage.region_coverage(regions=[region])
    return _csv_response(f"tackning-{region.county_code}.csv", [str(h) for h in COVERAGE_HEADER], _coverage_rows(matrix))


@require_safe
def coverage_matrix(request):
    matrix = coverage.region_coverage()
    rows = [(region, matrix.row(region)) for region in matrix.regions]
    return render(
        request,
        "organisation/coverage_matrix.html",
        {"matrix": matrix, "rows": rows, "hole_count": len(matrix.holes())},
    )


@require_safe
def coverage_matrix_csv(request):
    matrix = coverage.region_coverage()
    return _csv_response("tackning.csv", [str(h) for h in COVERAGE_HEADER], _coverage_rows(matrix))


@require_safe
def healthcare_region_detail(request, code):
    healthcare_region = get_object_or_404(HealthcareRegion, code=code)
    return render(
        request,
        "organisation/healthcare_region_detail.html",
        {
            "healthcare_region": healthcare_region,
            "coverage": coverage.healthcare_region_coverage(healthcare_region=healthcare_region),
            "bodies": healthcare_region.bodies.active().order_by("kind", "name"),
        },
    )
