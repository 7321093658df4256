"""Needs pages: the national list, the submission form, a need with its triage and history,
and one POST route for the triage steps. Thin: the rules are in triage.py and permissions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunskapsnav.lib.forms import attach_errors, error_text

from . import permissions, selectors, triage
from .forms import STEP_FORMS, FilterForm, NeedForm
from .models import Need, NeedStatus

LIST_SHOWN = 200


@require_GET
def need_list(request):
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.NeedFilters(status=data.get("status", ""), priority=data.get("priority"),
                                    decision=data.get("decision", ""), mine=bool(data.get("mine")))
    needs = selectors.needs_visible_to(request.user, filters)
    return render(request, "needs/need_list.html", {
        "form": form, "needs": needs[:LIST_SHOWN], "total": needs.count(),
        "insider": permissions.works_in_system(request.user),
        "queue": selectors.triage_queue(request.user) if request.user.is_authenticated else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    bodies = permissions.submitting_bodies(request.user)
    form = NeedForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            need = triage.need_submit(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Behovet är inskickat. Här kan du följa det."))
            return redirect(need)
    return render(request, "needs/need_form.html", {"form": form})


def _need(request, pk) -> Need:
    need = selectors.need_for(request.user, pk)
    if need is None:
        raise Http404(_("Behovet finns inte, eller är inte offentligt än."))
    return need


@require_GET
def need_detail(request, pk):
    need = _need(request, pk)
    insider = permissions.works_in_system(request.user)
    can_triage = permissions.can_triage(request.user, need)
    forms = {}
    if can_triage:
        for step, form_class in STEP_FORMS.items():
            # Several forms on one page: each its own ids, the same field names.
            kwargs = {"auto_id": f"id_{step}_%s"} | ({"instance": need} if step == "assess" else {})
            forms[step] = form_class(**kwargs)
    return render(request, "needs/need_detail.html", {
        "need": need, "insider": insider, "can_triage": can_triage, "forms": forms,
        "triage_body": permissions.triage_body(need),
        "steps": need.steps.select_related("by") if insider else [],
        "support_status": selectors.support_status(request.user, need),
        "existing": selectors.existing_supports(need) if can_triage and need.status in (
            NeedStatus.SUBMITTED, NeedStatus.IN_TRIAGE) else [],
        "statuses": NeedStatus,
    })


STEP_FUNCTIONS = {
    "start": lambda by, need, data: triage.triage_start(by=by, need=need, **data),
    "assess": lambda by, need, data: triage.triage_assess(by=by, need=need, **data),
    "reassign": lambda by, need, data: triage.triage_reassign(by=by, need=need, **data),
    "decide": lambda by, need, data: triage.triage_decide(by=by, need=need, **data),
    "link": lambda by, need, data: triage.support_link(by=by, need=need, **data),
    "answer": lambda by, need, data: triage.need_answer(by=by, need=need, **data),
}


@login_required
@require_POST
def need_step(request, pk):
    """One triage step, named by the form's `step` field."""
    need = _need(request, pk)
    if not permissions.can_triage(request.user, need):
        raise PermissionDenied(_("Bara det organ som äger området bedömer behovet."))
    step = request.POST.get("step", "")
    if step not in STEP_FORMS:
        messages.error(request, _("Okänt steg."))
        return redirect(need)
    form_class = STEP_FORMS[step]
    form = form_class(request.POST, instance=need) if step == "assess" else form_class(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(need)
    try:
        STEP_FUNCTIONS[step](request.user, need, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Steget är sparat."))
    return redirect(need)
