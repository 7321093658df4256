"""Pages of samstämmighet: the review queues, a candidate side by side with its decision
form, the runs with their progress, and the section of a support's page (loaded by htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Body

from . import decisions, permissions, selectors
from .forms import DecisionForm
from .tasks import full_run_queue


@require_safe
@login_required
def overview(request):
    return render(request, "coherence/overview.html", {
        "bodies": selectors.queues_of(user=request.user),
        "sks": permissions.can_review_sks_queue(request.user),
    })


@require_safe
@login_required
def body_queue(request, body_pk):
    body = get_object_or_404(Body, pk=body_pk)
    candidates = selectors.body_queue(user=request.user, body=body)
    if candidates is None:
        raise PermissionDenied(_("Bara organets redaktörer och SKS ser organets kö."))
    return render(request, "coherence/queue.html", {"title": body.name, "candidates": candidates})


@require_safe
@login_required
def sks_queue(request):
    candidates = selectors.sks_queue(user=request.user)
    if candidates is None:
        raise PermissionDenied(_("Bara SKS ordförande och processledare ser SKS kö."))
    return render(request, "coherence/queue.html", {"title": _("SKS"), "candidates": candidates})


def _candidate(request, pk):
    candidate = selectors.candidate_for(user=request.user, pk=pk)
    if candidate is None:
        raise Http404
    return candidate


def _candidate_page(request, candidate, *, form=None, status=200):
    outcomes = decisions.allowed_outcomes(request.user, candidate)
    if form is None and outcomes:
        form = DecisionForm(outcomes=outcomes)
    return render(request, "coherence/candidate.html", {
        "candidate": candidate, "form": form if outcomes else None,
        "decisions": [d for d in candidate.decisions.all() if d.is_public or permissions.is_working_in_system(request.user)],
        "show_authors": registry.can_see_change_authors(request.user),
    }, status=status)


@require_safe
def candidate_detail(request, pk):
    return _candidate_page(request, _candidate(request, pk))


@require_POST
@login_required
def candidate_decide(request, pk):
    candidate = _candidate(request, pk)
    # Every outcome is a valid choice here: the domain function says who may decide what.
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # The page again with what was written and the errors by their fields.
        return _candidate_page(request, candidate, form=form, status=400)
    try:
        decisions.candidate_decide(candidate=candidate, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Beslutet är sparat."))
    return redirect(candidate)


@require_safe
@login_required
def run_list(request):
    runs = selectors.latest_runs()
    template = "coherence/runs.html#runs" if request.htmx else "coherence/runs.html"
    return render(request, template, {"runs": runs, "can_start": permissions.can_start_full_run(request.user),
                                      "running": any(r.status in ("koad", "pagar") for r in runs)})


@require_POST
@login_required
def run_start(request):
    if not permissions.can_start_full_run(request.user):
        raise PermissionDenied(_("Bara nationella administratörer startar en körning av hela utbudet."))
    full_run_queue()
    messages.success(request, _("Körningen är köad."))
    return redirect("coherence:run_list")


@require_safe
def support_section(request, pk):
    """The samstämmighet section of a support's page: a partial for htmx, a page otherwise."""
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    context = {"support": support, **selectors.candidates_of_support(user=request.user, support=support),
               "working": permissions.is_working_in_system(request.user)}
    template = "coherence/support.html#section" if request.htmx else "coherence/support.html"
    return render(request, template, context)
