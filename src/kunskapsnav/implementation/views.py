"""Införande pages: thin views over adoptions, stages, work, routing and selectors."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunskapsnav.lib.forms import attach_errors, error_text
from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.knowledge import diff
from kunskapsnav.knowledge import uptake as knowledge_uptake
from kunskapsnav.knowledge.models import KnowledgeSupport, SupportVersion
from kunskapsnav.lib.history import history_of
from kunskapsnav.lib.spreadsheets import csv_writer
from kunskapsnav.organisation.models import Body, Region
from kunskapsnav.organisation.permissions import can_see_change_authors
from kunskapsnav.people.selectors import conflict_measures

from . import adoptions as adoption_rules
from . import charts, permissions, routing, selectors, stages, work
from .forms import (
    ActionForm,
    ActionStatusForm,
    CadenceForm,
    CareFieldForm,
    DecisionForm,
    DecisionRuleFormSet,
    FilterForm,
    GapRowFormSet,
    MatrixFilterForm,
    MeasureForm,
    MoveForm,
    ParticipantForm,
    ReviewForm,
)
from .models import Action, Adoption, Decision, DecisionRule


def _adoption(request, pk) -> Adoption:
    adoption = get_object_or_404(
        Adoption.objects.select_related("support__owning_body__mirrors", "region", "version", "previous"), pk=pk)
    if not permissions.can_see(request.user, adoption):
        raise PermissionDenied(_("Regionens arbete syns för regionen och den nationella nivån tills regionen delar "
                                 "det."))
    return adoption


def _done(request, adoption, message, anchor=""):
    messages.success(request, message)
    return redirect(adoption.get_absolute_url() + anchor)


def _refused(request, adoption, error, anchor=""):
    messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    return redirect(adoption.get_absolute_url() + anchor)


@require_GET
def overview(request):
    own = Region.objects.filter(pk__in=permissions.region_ids_of(request.user)).order_by("county_code")
    return render(request, "implementation/overview.html", {
        "own_regions": own, "regions": Region.objects.order_by("county_code"),
    })


@require_GET
def region_dashboard(request, county_code):
    region = get_object_or_404(Region, county_code=county_code)
    form = FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    access = permissions.Access(request.user)
    rows = selectors.region_rows(request.user, region, npo=values.get("npo"), support_type=values.get("type", ""),
                                 access=access)
    return render(request, "implementation/region.html", {
        "region": region, "form": form, "rows": rows, "counts": selectors.stage_counts(rows),
        "can_coordinate": access.can_coordinate(region.pk), "sees_all": access.sees_all_of(region.pk),
    })


@require_GET
def body_view(request, pk):
    body = get_object_or_404(Body, pk=pk, region__isnull=False)
    rows = selectors.body_rows(request.user, body)
    return render(request, "implementation/body.html", {
        "body": body, "rows": rows, "measures_body": body,
        "overridden_often": selectors.overridden_often(request.user, [row.adoption for row in rows]),
        "min_reports": settings.UPTAKE_FLAG_MIN_REPORTS, "percent": settings.UPTAKE_FLAG_OVERRIDE_PERCENT,
        "conflict_measures": conflict_measures(request.user, body, timezone.localdate())})


@require_GET
def national_matrix(request):
    form = MatrixFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    found = selectors.matrix(request.user, npo=values.get("npo"), support_type=values.get("type", ""),
                             healthcare_region=values.get("healthcare_region"))
    rows = [(support, found.row(support)) for support in found.supports]
    return render(request, "implementation/matrix.html", {"form": form, "matrix": found, "rows": rows})


@require_GET
def national_matrix_csv(request):
    form = MatrixFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    found = selectors.matrix(request.user, npo=values.get("npo"), support_type=values.get("type", ""),
                             healthcare_region=values.get("healthcare_region"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inforande-matris.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow([_("Kunskapsstöd"), _("Version"), *[r.name for r in found.regions]])
    for support in found.supports:
        cells = []
        for _region, adoption, hidden in found.row(support):
            cells.append(_("ej delat") if hidden else adoption.get_stage_display() if adoption else "")
        version = next((a.version.number for _r, a, _h in found.row(support) if a), "")
        writer.writerow([support.title, version, *cells])
    return response


@require_GET
def support_progress(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    progress = selectors.progress(request.user, support)
    from .models import STAGE_ORDER, Stage

    return render(request, "implementation/progress.html", {
        "support": support, "progress": progress, "spec": charts.progress_chart(progress),
        "stages": [(s, Stage(s).label) for s in STAGE_ORDER],
    })


@require_GET
def adoption_detail(request, pk):
    adoption = _adoption(request, pk)
    responsibility = adoption_rules.responsibilities([adoption])[adoption.pk]
    user = request.user
    coordinates = permissions.can_coordinate(user, adoption.region_id)
    works = permissions.can_work_on(user, adoption, responsibility)
    successor = getattr(adoption, "successor", None) if hasattr(adoption, "successor") else None
    gap_rows = list(adoption.gap_rows.select_related("recommendation").prefetch_related("municipalities"))
    uptake = selectors.uptake_of_adoption(user, adoption, gap_rows)
    context = {
        "adoption": adoption,
        "responsibility": responsibility,
        "gap_rows": gap_rows,
        "flagged": [item for item in uptake if item.flagged],
        "participants": adoption.participants.select_related("person"),
        "decisions": adoption.decisions.select_related("body", "municipality"),
        "actions": adoption.actions.all(),
        "measures": adoption.measures.all(),
        # Follow-up measures name indicators by code; those defined here link to their values.
        "indicator_codes": set(IndicatorDefinition.objects.filter(
            code__in=adoption.measures.values("indicator_code")).values_list("code", flat=True)),
        "reviews": adoption.reviews.all(),
        "next_review": work.next_review_on(adoption),
        "moves": [(to, stages.ACTION_LABELS[to]) for to in stages.allowed_moves(user, adoption, responsibility)],
        "routes": routing.routes(adoption),
        "coordinates": coordinates,
        "works": works,
        "successor": successor if successor and permissions.can_see(user, successor) else None,
        "transitions": adoption.transitions.select_related("by"),
        "show_participants": permissions.can_see_participant_names(user),
        "hide_authors": not can_see_change_authors(user),
        "history": history_of(adoption.history.all(), subject=lambda record: str(record.instance),
                              authors=can_see_change_authors(user)),
    }
    if knowledge_uptake.any_counted(uptake):
        context |= {"uptake": uptake, "uptake_region": adoption.region, "small_count": settings.INDICATOR_SMALL_COUNT}
    if successor:
        context["changes"] = diff.version_diff(adoption.version, successor.version)
    if works:
        context |= {"action_form": ActionForm(), "measure_form": MeasureForm(),
                    "cadence_form": CadenceForm(initial={"review_every_months": adoption.review_every_months}),
                    "review_form": ReviewForm(), "participant_form": ParticipantForm(region=adoption.region),
                    "status_form": ActionStatusForm()}
    if coordinates:
        context |= {"decision_form": DecisionForm(region=adoption.region),
                    "care_field_form": CareFieldForm(initial={"care_field": adoption.care_field})}
    return render(request, "implementation/adoption.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def gap_analysis(request, pk):
    adoption = _adoption(request, pk)
    responsibility = adoption_rules.responsibilities([adoption])[adoption.pk]
    if not permissions.can_work_on(request.user, adoption, responsibility):
        raise PermissionDenied(_("Bara regionens samordnare och de ansvariga för införandet ändrar kartläggningen."))
    rows = {r.pk: r for r in adoption.gap_rows.select_related("recommendation").prefetch_related("municipalities")}
    selectors.uptake_of_adoption(request.user, adoption, rows.values())
    initial = [{"row": r.pk, "row_version": r.row_version, "current_practice": r.current_practice, "gap": r.gap,
                "units": r.units, "municipalities": list(r.municipalities.all()),
                "proposed_actions": r.proposed_actions, "cost_estimate": r.cost_estimate,
                "within_unit_budget": r.within_unit_budget} for r in rows.values()]
    formset = GapRowFormSet(request.POST or None, initial=initial, form_kwargs={"region": adoption.region},
                            prefix="rad")
    conflicts = {}
    if request.method == "POST" and formset.is_valid():
        saved, failed = 0, False
        for form in formset:
            if not form.has_changed():
                continue
            data = dict(form.cleaned_data)
            row = rows.get(data.pop("row"))
            if row is None:
                raise Http404
            based_on, municipalities = data.pop("row_version"), data.pop("municipalities")
            try:
                work.gap_row_save(by=request.user, row=row, based_on=based_on, values=data,
                                  municipalities=municipalities)
                saved += 1
            except work.StaleRow as stale:
                conflicts[form.prefix] = stale.current
                # What this editor typed stays in the form; saving again builds on the newer row.
                form.data = form.data.copy()
                form.data[f"{form.prefix}-row_version"] = str(stale.current.row_version)
            except ValidationError as error:
                failed = True
                attach_errors(form, error)
        if not conflicts and not failed:
            return _done(request, adoption, _("Kartläggningen är sparad (%(n)s rader ändrade).") % {"n": saved})
        if conflicts:
            messages.error(request, _("%(n)s rader har ändrats av någon annan medan du arbetade. Deras version står "
                                      "under din; din text finns kvar. Ändra eller spara igen för att behålla din.")
                           % {"n": len(conflicts)})
    pairs = [(form, rows.get(int(form["row"].value())), conflicts.get(form.prefix)) for form in formset]
    return render(request, "implementation/gap_form.html", {"adoption": adoption, "formset": formset, "pairs": pairs})


@login_required
@require_POST
def adoption_move(request, pk):
    adoption = _adoption(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, adoption, ValidationError(_("Välj ett steg.")))
    try:
        adoption = stages.adoption_move(by=request.user, adoption=adoption, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, adoption, error)
    return _done(request, adoption, _("Införandet är nu i steget %(stage)s.") % {
        "stage": adoption.get_stage_display().lower()})


def _post_form(request, adoption, form, write, success: str, anchor: str):
    """Validate, call the domain function, and come back to the adoption with a message."""
    if not form.is_valid():
        messages.error(request, _("Det gick inte att spara: %(errors)s") % {"errors": error_text(form)})
        return redirect(adoption.get_absolute_url() + anchor)
    try:
        write(**form.cleaned_data)
    except ValidationError as error:
        return _refused(request, adoption, error, anchor)
    return _done(request, adoption, success, anchor)


def _require(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


@login_required
@require_POST
def participant_add(request, pk):
    adoption = _adoption(request, pk)
    form = ParticipantForm(request.POST, region=adoption.region)
    return _post_form(request, adoption, form,
                      lambda **v: work.participant_add(by=request.user, adoption=adoption, **v),
                      _("Deltagaren är registrerad."), "#kartlaggning")


@login_required
@require_POST
def decision_record(request, pk):
    adoption = _adoption(request, pk)
    _require(permissions.can_coordinate(request.user, adoption.region_id),
             _("Bara regionens samordnare registrerar beslut."))
    form = DecisionForm(request.POST, request.FILES, region=adoption.region)
    return _post_form(request, adoption, form,
                      lambda **v: work.decision_record(by=request.user, adoption=adoption, **v),
                      _("Beslutet är registrerat."), "#beslut")


@login_required
@require_POST
def care_field_set(request, pk):
    adoption = _adoption(request, pk)
    _require(permissions.can_coordinate(request.user, adoption.region_id),
             _("Bara regionens samordnare ändrar verksamhetsområdet."))
    form = CareFieldForm(request.POST)

    def write(care_field):
        adoption.care_field = care_field
        adoption._history_user = request.user
        adoption.save()

    return _post_form(request, adoption, form, write, _("Verksamhetsområdet är ändrat."), "#beslut")


@login_required
@require_POST
def action_add(request, pk):
    adoption = _adoption(request, pk)
    return _post_form(request, adoption, ActionForm(request.POST),
                      lambda **v: work.action_add(by=request.user, adoption=adoption, **v),
                      _("Åtgärden är tillagd."), "#atgarder")


@login_required
@require_POST
def action_update(request, pk):
    action = get_object_or_404(Action.objects.select_related("adoption"), pk=pk)
    adoption = _adoption(request, action.adoption_id)
    return _post_form(request, adoption, ActionStatusForm(request.POST),
                      lambda **v: work.action_update(by=request.user, action=action, **v),
                      _("Åtgärden är uppdaterad."), "#atgarder")


@login_required
@require_POST
def measure_add(request, pk):
    adoption = _adoption(request, pk)
    return _post_form(request, adoption, MeasureForm(request.POST),
                      lambda **v: work.measure_add(by=request.user, adoption=adoption, **v),
                      _("Uppföljningsmåttet är tillagt."), "#uppfoljning")


@login_required
@require_POST
def cadence_set(request, pk):
    adoption = _adoption(request, pk)
    return _post_form(request, adoption, CadenceForm(request.POST),
                      lambda review_every_months: work.review_plan(by=request.user, adoption=adoption,
                                                                   every_months=review_every_months),
                      _("Avstämningsintervallet är sparat."), "#uppfoljning")


@login_required
@require_POST
def review_record(request, pk):
    adoption = _adoption(request, pk)
    return _post_form(request, adoption, ReviewForm(request.POST),
                      lambda **v: work.review_record(by=request.user, adoption=adoption, **v),
                      _("Avstämningen är registrerad."), "#uppfoljning")


@login_required
@require_POST
def sharing_set(request, pk):
    adoption = _adoption(request, pk)
    public = request.POST.get("public") == "1"
    try:
        work.sharing_set(by=request.user, adoption=adoption, public=public)
    except ValidationError as error:
        return _refused(request, adoption, error)
    return _done(request, adoption, _("Arbetet är delat med andra regioner.") if public
                 else _("Arbetet syns nu bara för regionen och den nationella nivån."))


@login_required
@require_POST
def adoption_start(request, version_pk, county_code):
    version = get_object_or_404(SupportVersion.objects.select_related("support"), pk=version_pk)
    region = get_object_or_404(Region, county_code=county_code)
    try:
        adoption = adoption_rules.adoption_start(by=request.user, version=version, region=region)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(version)
    return _done(request, adoption, _("Införandet är startat."))


@require_GET
def decision_attachment(request, pk):
    decision = get_object_or_404(Decision, pk=pk)
    _adoption(request, decision.adoption_id)
    if not decision.attachment:
        raise Http404
    return FileResponse(decision.attachment.open("rb"), as_attachment=True,
                        filename=f"beslut-{decision.pk}.pdf", content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def decision_order(request, county_code):
    region = get_object_or_404(Region, county_code=county_code)
    _require(permissions.can_coordinate(request.user, region.pk), _("Bara regionens samordnare ändrar beslutsordningen."))
    rules = DecisionRule.objects.filter(region=region)
    if request.method == "POST" and request.POST.get("use") == "orebro":
        routing.decision_order_replace(by=request.user, region=region, rules=routing.orebro_order(region))
        messages.success(request, _("Beslutsordningen efter Region Örebro läns modell är inlagd."))
        return redirect("implementation:decision_order", county_code=county_code)
    initial = [{f: getattr(r, f"{f}_id" if f in ("decider", "preparer", "informed") else f)
                for f in ("condition", "care_field", "decider_kind", "decider", "preparer", "informed")} for r in rules]
    formset = DecisionRuleFormSet(request.POST or None, initial=initial, form_kwargs={"region": region}, prefix="regel")
    if request.method == "POST" and formset.is_valid():
        kept = [DecisionRule(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            routing.decision_order_replace(by=request.user, region=region, rules=kept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Beslutsordningen är sparad."))
            return redirect("implementation:decision_order", county_code=county_code)
    return render(request, "implementation/decision_order.html", {"region": region, "formset": formset})
