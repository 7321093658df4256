"""Lågvärdig vård pages: the register, a practice with its links and history, the forms that
keep them, and the national view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kunskapsnav.indicators import permissions as indicator_permissions
from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.lib.forms import attach_errors
from kunskapsnav.lib.history import history_of
from kunskapsnav.organisation import permissions as registry

from . import permissions, practices, selectors
from .forms import LinksForm, PracticeForm
from .models import LowValuePractice, PracticeIndicator, PracticeRecommendation


@require_GET
def practice_list(request):
    return render(request, "lowvalue/list.html", {
        "practices": selectors.practices(), "can_add": permissions.can_add_any_practice(request.user)})


def _history(request, practice):
    return history_of(
        practice.history.all(),
        PracticeRecommendation.history.filter(practice_id=practice.pk),
        PracticeIndicator.history.filter(practice_id=practice.pk),
        subject=lambda record: f"{str(record.instance_type._meta.verbose_name).capitalize()}: {record.instance}",
        hidden_fields={"linked_by"},
        authors=registry.can_see_change_authors(request.user))


@require_GET
def practice_detail(request, pk):
    practice = get_object_or_404(selectors.practices(), pk=pk)
    return render(request, "lowvalue/detail.html", {
        "practice": practice, "recommendations": selectors.linked_recommendations(practice),
        "indicators": selectors.linked_indicators(practice),
        "can_edit": permissions.can_edit_practice(request.user, region_id=practice.region_id),
        "history": _history(request, practice), "hide_authors": not registry.can_see_change_authors(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request):
    if not permissions.can_add_any_practice(request.user):
        raise PermissionDenied(_("Du får inte lägga till åtgärder i registret över lågvärdig vård."))
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            practice = practices.practice_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Åtgärden är tillagd i registret."))
            return redirect(practice)
    return render(request, "lowvalue/form.html", {"form": form, "practice": None},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def practice_update(request, pk):
    practice = get_object_or_404(LowValuePractice, pk=pk)
    if not permissions.can_edit_practice(request.user, region_id=practice.region_id):
        raise PermissionDenied(_("Du får inte ändra den här åtgärden."))
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            practice = practices.practice_update(by=request.user, practice=practice, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Åtgärden är ändrad."))
            return redirect(practice)
    return render(request, "lowvalue/form.html", {"form": form, "practice": practice},
                  status=400 if form.is_bound else 200)


def _links_form(request, practice):
    linked = selectors.linked_recommendations(practice)
    offered = {rec.key: rec for rec in linked + selectors.do_not_candidates(practice)}
    recommendation_choices = [(str(key), f"{rec.version.support.title}: {_strip(rec.text)}")
                              for key, rec in offered.items()]
    latest = {}
    for definition in IndicatorDefinition.objects.order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    indicator_choices = [(code, f"{code} {d.name}") for code, d in latest.items()]
    initial = {"recommendations": [str(link.recommendation_key) for link in practice.recommendation_links.all()
                                   if link.recommendation_key in offered],
               "indicators": [link.indicator_code for link in practice.indicator_links.all()]}
    return LinksForm(request.POST or None, initial=initial, recommendation_choices=recommendation_choices,
                     indicator_choices=indicator_choices)


def _strip(html: str) -> str:
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    return Truncator(strip_tags(html)).chars(160)


@login_required
@require_http_methods(["GET", "POST"])
def practice_links(request, pk):
    practice = get_object_or_404(selectors.practices(), pk=pk)
    if not permissions.can_edit_practice(request.user, region_id=practice.region_id):
        raise PermissionDenied(_("Du får inte ändra den här åtgärden."))
    form = _links_form(request, practice)
    if request.method == "POST" and form.is_valid():
        try:
            practices.practice_links_set(by=request.user, practice=practice, recommendation_keys=form.keys(),
                                         indicator_codes=form.cleaned_data["indicators"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Kopplingarna är sparade."))
            return redirect(practice)
    return render(request, "lowvalue/links.html", {"form": form, "practice": practice},
                  status=400 if form.is_bound else 200)


@require_GET
def national_view(request):
    views = selectors.national_view(request.user)
    return render(request, "lowvalue/national.html", {
        "views": [(view, [(name, view.result["specs"][name]) for name in ("tratt",) if name in view.result["specs"]])
                  for view in views],
        "sees_small_counts": indicator_permissions.can_see_small_counts(request.user)})
