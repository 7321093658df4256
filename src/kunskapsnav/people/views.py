"""Pages of the people app: calls and nominations, declarations, the coordinator's overview,
the pool of representatives and compensation. Thin: parse, call one domain function, render.
Who may do what is decided in people.permissions and checked by the domain functions."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kunskapsnav.lib.forms import attach_errors, error_text
from kunskapsnav.organisation import people as registry_people
from kunskapsnav.organisation.models import Body, Region
from kunskapsnav.organisation.permissions import coordinated_region_ids, is_coordinator, is_national_admin

from . import calls, chain, compensation, declarations, export, nominations, participation, permissions, selectors
from .forms import (
    AssessForm, AssessorForm, AssignmentForm, CallForm, ClaimDecisionForm, ClaimForm, CompensationModelForm,
    DeclarationForm, DecideForm, InterestFormSet, NominateForm, PayableListForm, RepresentativeAddForm,
    RepresentativeForm, SelfNominationForm, YearForm,
)
from .models import (
    Assessor, CallStatus, ClaimStatus, CompensationClaim, CompensationModel, Declaration, DeclarationStatus, Nomination,
    NominationCall, NominationStatus, ParticipationAssignment, PayableList, Representative,
)

logger = logging.getLogger(__name__)


def _refused(request, target, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect(target)


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


def _regions(user):
    """The regions whose people work the user handles: the coordinated ones, all for a
    national administrator."""
    if is_national_admin(user):
        return Region.objects.order_by("county_code")
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("county_code")


def _require_coordinator(user):
    _require(is_national_admin(user) or is_coordinator(user),
             _("Sidan är för regionernas kunskapsstödsgrupper och nationella administratörer."))


# --- calls ---------------------------------------------------------------------------


def _call(request, pk) -> NominationCall:
    """Drafts exist only for those who may manage them."""
    return get_object_or_404(selectors.calls_visible_to(request.user).select_related("body__parent"), pk=pk)


def _call_to_change(pk) -> NominationCall:
    """For the writes: the domain function refuses those who may not (403, as in the API)."""
    return get_object_or_404(NominationCall.objects.select_related("body__parent"), pk=pk)


@require_safe
def call_list(request):
    return render(request, "people/call_list.html", {
        "calls": selectors.calls_visible_to(request.user), "today": timezone.localdate(),
        "can_create": permissions.can_manage_any_call(request.user),
    })


@require_safe
def call_detail(request, pk):
    call = _call(request, pk)
    user = request.user
    manages = permissions.can_manage_call(user, call.body)
    rows = call.nominations.select_related("home_region", "person", "call__represents_region")
    if manages:
        visible = list(rows)
    elif user.is_authenticated:
        visible = list(rows.filter(permissions.nomination_readers_scope(user)))
    else:
        visible = []
    today = timezone.localdate()
    return render(request, "people/call_detail.html", {
        "call": call, "manages": manages, "nominations": visible, "is_open": call.is_open_on(today),
        "can_nominate": call.is_open_on(today) and (is_national_admin(user) or is_coordinator(user)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    _require(permissions.can_manage_any_call(request.user), _("Du får inte göra utlysningar."))
    form = CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Utlysningen är sparad som utkast. Publicera den när den är klar."))
            return redirect(call)
    return render(request, "people/call_form.html", {"form": form, "call": None})


@login_required
@require_http_methods(["GET", "POST"])
def call_update(request, pk):
    call = _call_to_change(pk)
    _require(permissions.can_manage_call(request.user, call.body), _("Du får inte ändra den här utlysningen."))
    form = CallForm(request.POST or None, instance=call, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_update(by=request.user, call=call, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Ändringarna i utlysningen är sparade."))
            return redirect(call)
    return render(request, "people/call_form.html", {"form": form, "call": call})


@login_required
@require_POST
def call_publish(request, pk):
    call = _call_to_change(pk)
    try:
        call = calls.call_publish(by=request.user, call=call)
    except ValidationError as error:
        return _refused(request, call, error)
    messages.success(request, _("Utlysningen är publicerad."))
    return redirect(call)


@login_required
@require_POST
def call_close(request, pk):
    call = _call_to_change(pk)
    try:
        call = calls.call_close(by=request.user, call=call)
    except ValidationError as error:
        return _refused(request, call, error)
    messages.success(request, _("Utlysningen är stängd."))
    return redirect(call)


# --- the public self-nomination form -------------------------------------------------


def _self_nomination_call(pk) -> NominationCall:
    call = get_object_or_404(NominationCall.objects.select_related("body"), pk=pk, self_nomination_allowed=True,
                             status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])
    return call


def _self_nomination_context(call, form) -> dict:
    return {"call": call, "form": form, "retention_days": settings.NOMINATION_RETENTION_DAYS,
            "limit_per_hour": settings.SELF_NOMINATION_LIMIT_PER_HOUR}


@require_http_methods(["GET", "POST"])
def self_nominate(request, pk):
    call = _self_nomination_call(pk)
    if not call.is_open_on(timezone.localdate()):
        return render(request, "people/self_nomination_closed.html", {"call": call}, status=404)
    form = SelfNominationForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot:
            # Answer as if it went well, so the robot learns nothing; store nothing.
            logger.warning("self-nomination to call %s: honeypot filled in, nothing stored", call.pk)
            return redirect("people:self_nomination_thanks", pk=call.pk)
        if form.is_valid():
            try:
                # Stored, already nominated or over the limit: the same thanks (nominations).
                nominations.nomination_self_submit(call=call, sender=nominations.sender_address(request),
                                                   **form.nomination_values())
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("people:self_nomination_thanks", pk=call.pk)
    return render(request, "people/self_nomination_form.html", _self_nomination_context(call, form))


@require_safe
def self_nomination_thanks(request, pk):
    return render(request, "people/self_nomination_thanks.html", {"call": _self_nomination_call(pk)})


# --- nominations ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request, pk):
    call = _call_to_change(pk)
    _require_coordinator(request.user)
    form = NominateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = nominations.nomination_create(by=request.user, call=call, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(person)s är nominerad.") % {"person": nomination.full_name})
            return redirect(nomination)
    return render(request, "people/nominate_form.html", {"call": call, "form": form})


def _nomination(request, pk) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.select_related("call__body__parent", "call__represents_region",
                                          "call__represents_healthcare_region", "home_region", "person__user"), pk=pk)
    _require(permissions.can_see_nomination(request.user, nomination),
             _("Nomineringen syns för den nominerade, regionens kunskapsstödsgrupp och de organ som beslutar om den."))
    return nomination


@login_required
@require_safe
def nomination_detail(request, pk):
    nomination = _nomination(request, pk)
    user = request.user
    taken = {d.step: d for d in nomination.decisions.select_related("decided_by")}
    upcoming = chain.next_step(nomination)
    steps = [{"step": step, "body": chain.deciding_body(nomination, step), "decision": taken.get(step),
              "is_next": step == upcoming} for step in chain.steps_for(nomination)]
    clearance = None
    if nomination.person_id is not None:
        clearance = selectors.clearance(nomination.person, timezone.localdate())
    may_decide = chain.may_decide(user, nomination)
    return render(request, "people/nomination_detail.html", {
        "nomination": nomination, "steps": steps, "clearance": clearance,
        "decide_form": DecideForm() if may_decide else None,
        "can_withdraw": nomination.status in (NominationStatus.IN_PROGRESS, NominationStatus.APPROVED)
        and permissions.can_withdraw_nomination(user, nomination),
        "can_see_declaration": clearance is not None and clearance.declaration is not None
        and permissions.can_see_declaration(user, clearance.declaration),
    })


@login_required
@require_POST
def nomination_decide(request, pk):
    nomination = _nomination(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Beslutet sparades inte: %(errors)s") % {"errors": error_text(form)})
        return redirect(nomination)
    try:
        decision = chain.nomination_decide(by=request.user, nomination=nomination, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, nomination, error)
    messages.success(request, _("Beslutet är registrerat: %(decision)s.") % {"decision": decision})
    return redirect(nomination)


@login_required
@require_POST
def nomination_withdraw(request, pk):
    nomination = _nomination(request, pk)
    try:
        nominations.nomination_withdraw(by=request.user, nomination=nomination)
    except ValidationError as error:
        return _refused(request, nomination, error)
    messages.success(request, _("Nomineringen är återkallad."))
    return redirect(nomination)


# --- declarations --------------------------------------------------------------------


@login_required
@require_safe
def my_declarations(request):
    person = selectors.own_person(request.user)
    context = {"person": person}
    if person is not None:
        today = timezone.localdate()
        clearance = selectors.clearance(person, today)
        memberships = person.memberships.active_on(today).select_related("body")
        context |= {
            "clearance": clearance,
            "declarations": person.declarations.prefetch_related("interests"),
            # The seats are all the person's own: their clearance is the one just read.
            "seats": selectors.seats(memberships, today, known={person.pk: clearance}),
        }
    return render(request, "people/my_declarations.html", context)


MORE_ROWS = 3


@login_required
@require_http_methods(["GET", "POST"])
def declaration_create(request):
    person = selectors.own_person(request.user)
    _require(person is not None and permissions.can_declare_for(request.user, person),
             _("Du finns inte i personregistret och kan därför inte lämna en jävsdeklaration. Kontakta "
               "kunskapsstödsgruppen i din region."))
    data = request.POST.copy() if request.method == "POST" else None
    more_rows = data is not None and "fler_rader" in data
    if more_rows:
        # More empty rows, keeping what is typed; nothing is submitted yet.
        total = data.get("intresse-TOTAL_FORMS", "")
        data["intresse-TOTAL_FORMS"] = str((int(total) if total.isdigit() else 0) + MORE_ROWS)
    form = DeclarationForm(data)
    formset = InterestFormSet(data, prefix="intresse")
    if data is not None and not more_rows and form.is_valid() and formset.is_valid():
        interests = [f.cleaned_data for f in formset.forms if f.has_changed() and f.cleaned_data]
        try:
            declaration = declarations.declaration_submit(
                by=request.user, person=person, nothing_to_declare=form.cleaned_data["nothing_to_declare"],
                interests=interests)
        except ValidationError as error:
            attach_errors(form, error)  # "interests" is no field of the form: its messages head the page
        else:
            messages.success(request, _("Din jävsdeklaration är inlämnad och väntar på bedömning."))
            return redirect(declaration)
    return render(request, "people/declaration_form.html", {"form": form, "formset": formset, "person": person})


def _declaration(request, pk) -> Declaration:
    declaration = get_object_or_404(Declaration.objects.select_related("person__home_region", "assessed_by"), pk=pk)
    _require(permissions.can_see_declaration(request.user, declaration),
             _("Jävsdeklarationen syns för personen själv, kunskapsstödsgruppen och bedömarna i personens "
               "hemregion, och ordföranden i ett organ där personen tillsatts efter nominering."))
    return declaration


@login_required
@require_safe
def declaration_detail(request, pk):
    declaration = _declaration(request, pk)
    return render(request, "people/declaration_detail.html", {
        "declaration": declaration, "interests": declaration.interests.all(),
        "can_assess": declaration.status == DeclarationStatus.SUBMITTED
        and permissions.can_assess(request.user, declaration),
        "is_own": declaration.person.user_id == request.user.pk,
    })


@login_required
@require_http_methods(["GET", "POST"])
def declaration_assess(request, pk):
    declaration = _declaration(request, pk)
    _require(permissions.can_assess(request.user, declaration),
             _("Bara en utsedd bedömare i personens region kan bedöma deklarationen."))
    form = AssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = declarations.declaration_assess(by=request.user, declaration=declaration,
                                                          **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Bedömningen är sparad."))
            return redirect(declaration)
    return render(request, "people/declaration_assess.html", {
        "declaration": declaration, "interests": declaration.interests.all(), "form": form})


@login_required
@require_safe
def assessor_queue(request):
    user = request.user
    _require(permissions.is_assessor(user), _("Sidan är för utsedda bedömare av jävsdeklarationer."))
    today = timezone.localdate()
    regions = None if is_national_admin(user) else permissions.assessor_region_ids(user)
    return render(request, "people/assessor_queue.html", {
        "queue": selectors.assessor_queue(user), "lapsing": selectors.lapsing(today, region_ids=regions),
        "flagged": selectors.flagged_seats(today, region_ids=regions), "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def assessors(request):
    _require_coordinator(request.user)
    regions = _regions(request.user)
    form = AssessorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            assessor = declarations.assessor_designate(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(assessor)s.") % {"assessor": assessor})
            return redirect("people:assessors")
    return render(request, "people/assessors.html", {
        "form": form,
        "assessors": Assessor.objects.filter(region__in=regions).select_related("region", "person"),
    })


@login_required
@require_POST
def assessor_remove(request, pk):
    assessor = get_object_or_404(Assessor.objects.select_related("person", "region"), pk=pk)
    declarations.assessor_remove(by=request.user, assessor=assessor)
    messages.success(request, _("%(person)s är inte längre bedömare för %(region)s.")
                     % {"person": assessor.person, "region": assessor.region})
    return redirect("people:assessors")


# --- the coordinator's overview and the seats of a body ------------------------------


@login_required
@require_safe
def coordination(request):
    _require_coordinator(request.user)
    today = timezone.localdate()
    return render(request, "people/coordination.html", {
        "overview": selectors.coordinator_overview(request.user, today), "today": today})


@require_safe
def body_seats(request, pk):
    body = get_object_or_404(Body, pk=pk)
    return render(request, "people/body_seats.html", {
        "body": body, "seats": selectors.body_seats(body, timezone.localdate()),
        "show_details": permissions.can_see_seat_clearance(request.user),
    })


# --- the pool of representatives -----------------------------------------------------


@login_required
@require_safe
def pool(request):
    _require_coordinator(request.user)
    regions = _regions(request.user)
    rows = Representative.objects.filter(region__in=regions).select_related("person", "region")
    return render(request, "people/pool.html", {
        "rows": [(rep, permissions.can_see_representative(request.user, rep)) for rep in rows],
        "regions": regions,
    })


@login_required
@require_http_methods(["GET", "POST"])
def representative_create(request):
    _require_coordinator(request.user)
    form = RepresentativeAddForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        try:
            with transaction.atomic():
                person = form.cleaned_data["person"] or registry_people.person_create(
                    by=request.user, home_region=region, **form.new_person_values())
                rep = participation.representative_add(by=request.user, person=person, region=region,
                                                       **form.representative_values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(rep)s är tillagd i poolen.") % {"rep": rep})
            return redirect(rep)
    return render(request, "people/representative_form.html", {"form": form, "representative": None})


def _representative(request, pk) -> Representative:
    rep = get_object_or_404(Representative.objects.select_related("person", "region"), pk=pk)
    _require(permissions.can_see_representative(request.user, rep),
             _("Uppgifterna syns för företrädaren själv och regionens kunskapsstödsgrupp."))
    return rep


@login_required
@require_safe
def representative_detail(request, pk):
    rep = _representative(request, pk)
    user = request.user
    claims = CompensationClaim.objects.filter(assignment__representative=rep).select_related(
        "assignment", "submitted_by", "decided_by")
    return render(request, "people/representative_detail.html", {
        "representative": rep, "assignments": rep.assignments.select_related("body"),
        "claims": [(c, c.status == ClaimStatus.SUBMITTED and permissions.can_decide_claim(user, c)) for c in claims],
        "can_manage": permissions.can_manage_pool(user, rep.region_id),
        "decision_form": ClaimDecisionForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def representative_update(request, pk):
    rep = _representative(request, pk)
    _require(permissions.can_manage_pool(request.user, rep.region_id),
             _("Bara regionens kunskapsstödsgrupp kan ändra uppgifterna i poolen."))
    form = RepresentativeForm(request.POST or None, instance=rep)
    if request.method == "POST" and form.is_valid():
        try:
            rep = participation.representative_update(by=request.user, representative=rep, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppgifterna är sparade."))
            return redirect(rep)
    return render(request, "people/representative_form.html", {"form": form, "representative": rep})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, pk):
    rep = _representative(request, pk)
    _require(permissions.can_manage_pool(request.user, rep.region_id),
             _("Bara regionens kunskapsstödsgrupp kan ge företrädare uppdrag."))
    form = AssignmentForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            participation.assignment_create(by=request.user, representative=rep, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppdraget är registrerat."))
            return redirect(rep)
    return render(request, "people/assignment_form.html", {"form": form, "representative": rep})


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request, pk):
    assignment = get_object_or_404(
        ParticipationAssignment.objects.select_related("representative__person", "representative__region"), pk=pk)
    _require(permissions.can_claim(request.user, assignment),
             _("Du får inte begära ersättning för det här uppdraget."))
    form = ClaimForm(request.POST or None, initial={"worked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            compensation.claim_submit(by=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Anspråket är inskickat och väntar på beslut."))
            return redirect(assignment.representative)
    return render(request, "people/claim_form.html", {"form": form, "assignment": assignment})


@login_required
@require_POST
def claim_decide(request, pk):
    claim = get_object_or_404(CompensationClaim.objects.select_related("assignment__representative"), pk=pk)
    rep = claim.assignment.representative
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Beslutet sparades inte: %(errors)s") % {"errors": error_text(form)})
        return redirect(rep)
    try:
        claim = compensation.claim_decide(by=request.user, claim=claim, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, rep, error)
    messages.success(request, _("Anspråket är %(status)s.") % {"status": claim.get_status_display().lower()})
    return redirect(rep)


# --- compensation --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def compensation_model(request, county_code):
    region = get_object_or_404(Region, county_code=county_code)
    _require(permissions.can_manage_pool(request.user, region.pk),
             _("Bara regionens kunskapsstödsgrupp kan ändra ersättningsmodellen."))
    current = CompensationModel.objects.filter(region=region).first()
    form = CompensationModelForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            compensation.compensation_model_set(by=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Ersättningsmodellen för %(region)s är sparad.") % {"region": region})
            return redirect("people:payable_lists")
    return render(request, "people/compensation_model_form.html", {"form": form, "region": region})


@login_required
@require_http_methods(["GET", "POST"])
def payable_lists(request):
    _require_coordinator(request.user)
    regions = _regions(request.user)
    form = PayableListForm(request.POST or None, user=request.user,
                           initial={"period": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST" and form.is_valid():
        try:
            payable = compensation.payable_list_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(list)s är framtaget.") % {"list": payable})
            return redirect("people:payable_lists")
    models = {m.region_id: m for m in CompensationModel.objects.filter(region__in=regions)}
    return render(request, "people/payable_lists.html", {
        "form": form, "regions": [(r, models.get(r.pk)) for r in regions],
        "lists": PayableList.objects.filter(region__in=regions).select_related("region"),
        "can_see_expert_time": permissions.can_see_expert_time(request.user),
    })


@login_required
@require_safe
def payable_csv(request, pk):
    payable = get_object_or_404(PayableList.objects.select_related("region"), pk=pk)
    _require(permissions.can_manage_pool(request.user, payable.region_id),
             _("Utbetalningsunderlaget är regionens kunskapsstödsgrupps."))
    # No byte-order mark: the file is read by the salary system, not opened in Excel.
    response = HttpResponse(compensation.payable_csv(payable), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="utbetalning-{payable.region.county_code}-{payable.period}.csv"'
    return response


def _year(request) -> int:
    form = YearForm(request.GET or None)
    return form.cleaned_data["ar"] if form.is_valid() else timezone.localdate().year


@login_required
@require_safe
def expert_time(request):
    _require(permissions.can_see_expert_time(request.user),
             _("Sidan är för regionernas kunskapsstödsgrupper och nationella administratörer."))
    year = _year(request)
    return render(request, "people/expert_time.html", {
        "rows": compensation.expert_time(year), "year": year, "form": YearForm(initial={"ar": year})})


@login_required
@require_safe
def expert_time_csv(request):
    _require(permissions.can_see_expert_time(request.user),
             _("Sidan är för regionernas kunskapsstödsgrupper och nationella administratörer."))
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="experttid-{year}.csv"'
    response.write("\ufeff")  # so that Excel opens the file as UTF-8
    response.write(compensation.expert_time_csv(year))
    return response


# --- one's own data ------------------------------------------------------------------


@login_required
@require_safe
def own_data_export(request):
    person = selectors.own_person(request.user)
    if person is None:
        raise Http404(_("Du finns inte i personregistret."))
    response = HttpResponse(export.own_data_json(person), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mina-uppgifter.json"'
    logger.info("user %s downloaded their own data", request.user.pk)
    return response
