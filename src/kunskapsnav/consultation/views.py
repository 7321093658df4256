"""Remiss pages: thin views over rounds, answers, compilation and exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunskapsnav.lib.forms import attach_errors, error_text
from kunskapsnav.knowledge.models import SupportVersion
from kunskapsnav.lib.history import history_of
from kunskapsnav.organisation import permissions as registry
from kunskapsnav.organisation.models import Region

from . import answers, compilation, composer, exports, permissions, rounds, selectors
from .forms import (
    AnswerForm,
    AssignmentForm,
    CommentForm,
    InvitationForm,
    PointFormSet,
    PublishForm,
    ResponseForm,
    RoundForm,
)
from .models import AnswerItem, AnswerStatus, ConsultationRound, Invitation


def _round(pk) -> ConsultationRound:
    return get_object_or_404(ConsultationRound.objects.select_related("version__support__owning_body"), pk=pk)


def _invitation(pk) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("round__version__support__owning_body", "region", "municipality"), pk=pk)


@require_GET
def round_list(request):
    today = timezone.localdate()
    all_rounds = ConsultationRound.objects.select_related("version__support").order_by("-closes_on", "-pk")
    return render(request, "consultation/round_list.html", {
        "open_rounds": [r for r in all_rounds if r.opens_on <= today <= r.closes_on],
        "closed_rounds": [r for r in all_rounds if r.closes_on < today][:50],
        "coming_rounds": [r for r in all_rounds if r.opens_on > today],
        "my_invitations": selectors.invitations_for(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, version_pk):
    version = get_object_or_404(SupportVersion.objects.select_related("support__owning_body"), pk=version_pk)
    if not permissions.can_open_round(request.user, version):
        raise PermissionDenied(_("Bara det ägande organets redaktörer kan skicka kunskapsstödet på remiss."))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = rounds.round_open(by=request.user, version=version, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Remissomgången är öppnad och %(n)s parter är inbjudna.")
                             % {"n": round_.invitations.count()})
            return redirect(round_)
    return render(request, "consultation/round_form.html", {"form": form, "version": version})


@require_GET
def round_detail(request, pk):
    round_ = _round(pk)
    invitations = sorted(round_.invitations.select_related("region", "municipality", "answer"),
                         key=compilation.party_order)
    invited_regions = {i.region_id for i in invitations}
    can_edit = permissions.can_open_round(request.user, round_.version)
    is_open = round_.is_open_at(timezone.now())
    joinable = [] if not (round_.open_to_all and is_open) else list(
        Region.objects.filter(pk__in=registry.coordinated_region_ids(request.user)).exclude(pk__in=invited_regions))
    return render(request, "consultation/round_detail.html", {
        "round": round_,
        "invitations": invitations,
        "joinable_regions": joinable,
        "invitation_form": InvitationForm() if can_edit and is_open else None,
        "show_status": permissions.can_read_submitted_answers(request.user, round_),
        "can_respond": permissions.can_respond(request.user, round_),
        "own": {i.pk for i in invitations if permissions.can_comment(request.user, i)},
        "is_open": round_.is_open_at(timezone.now()),
    })


@login_required
@require_POST
def invitation_add(request, pk):
    round_ = _round(pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(round_)
    if not permissions.can_invite(request.user, round_, region=form.cleaned_data["region"]):
        raise PermissionDenied(_("Bara det ägande organets redaktörer bjuder in fler till remissen."))
    try:
        invitation = rounds.invitation_add(by=request.user, round_=round_, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, _("%(party)s är inbjuden.") % {"party": invitation})
    return redirect(invitation if permissions.can_comment(request.user, invitation) else round_)


@login_required
@require_GET
def invitation_detail(request, pk):
    invitation = _invitation(pk)
    answer = invitation.answer_or_none
    inside = permissions.can_comment(request.user, invitation)
    submitted = answer is not None and answer.status == AnswerStatus.SUBMITTED
    if not inside and not (submitted and permissions.can_read_submitted_answers(request.user, invitation.round)):
        raise PermissionDenied(_("Regionens arbete med remissen syns bara inom regionen tills svaret är inskickat."))
    coordinates = permissions.can_coordinate(request.user, invitation)
    version = invitation.round.version
    return render(request, "consultation/invitation_detail.html", {
        "invitation": invitation,
        "round": invitation.round,
        "answer": answer,
        "inside": inside,
        "coordinates": coordinates,
        "is_open": invitation.round.is_open_at(timezone.now()),
        "assignments": invitation.assignments.select_related("body", "person") if inside else [],
        "comments": invitation.comments.select_related("recommendation", "author") if inside else [],
        "assignment_form": AssignmentForm(region=invitation.region) if coordinates and invitation.region_id else None,
        "comment_form": CommentForm(version=version) if inside else None,
        # The answer's life (composed, submitted, withdrawn, submitted again) is for the party.
        "history": history_of(answer.history.all(), subject=lambda record: str(record.instance))
        if inside and answer else None,
    })


@login_required
@require_POST
def assignment_add(request, pk):
    invitation = _invitation(pk)
    if not permissions.can_coordinate(request.user, invitation):
        raise PermissionDenied(_("Bara regionens samordnare fördelar remissen."))
    form = AssignmentForm(request.POST, region=invitation.region)
    if form.is_valid():
        try:
            answers.assignment_add(by=request.user, invitation=invitation, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Uppdraget är fördelat."))
            return redirect(invitation)
    messages.error(request, _("Uppdraget kunde inte fördelas: %(errors)s") % {"errors": error_text(form)})
    return redirect(invitation)


@login_required
@require_POST
def comment_add(request, pk):
    invitation = _invitation(pk)
    if not permissions.can_comment(request.user, invitation):
        raise PermissionDenied(_("Du har inte fått remissen av din region och kan inte lämna synpunkter."))
    form = CommentForm(request.POST, version=invitation.round.version)
    if form.is_valid():
        try:
            answers.comment_add(by=request.user, invitation=invitation, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Synpunkten är sparad. Den syns bara inom regionen tills regionen svarar."))
            return redirect(invitation)
    # Nothing typed is lost: the page is shown again with the text and the errors.
    return render(request, "consultation/comment_form.html", {"form": form, "invitation": invitation}, status=400)


def _require_coordinator(user, invitation):
    if not permissions.can_coordinate(user, invitation):
        raise PermissionDenied(_("Bara regionens samordnare sammanställer och skickar remissvaret."))


@login_required
@require_http_methods(["GET", "POST"])
def answer_compose(request, pk):
    invitation = _invitation(pk)
    _require_coordinator(request.user, invitation)
    answer = invitation.answer_or_none
    if answer is not None and answer.status == AnswerStatus.SUBMITTED:
        messages.error(request, _("Remissvaret är inskickat och låst. Dra tillbaka det först för att ändra det."))
        return redirect(invitation)
    version = invitation.round.version
    comments = list(invitation.comments.select_related("recommendation", "author"))
    form = AnswerForm(request.POST or None, initial={"summary": answer.summary, "signed_by": answer.signed_by}
                      if answer else None)
    points = PointFormSet(request.POST or None, initial=composer.initial_rows(answer, comments),
                          form_kwargs={"version": version}, prefix="punkt")
    if request.method == "POST" and form.is_valid() and points.is_valid():
        items = composer.items_from_rows([p.cleaned_data for p in points], {c.pk: c for c in comments})
        try:
            answers.answer_compose(by=request.user, invitation=invitation, items=items, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Utkastet till remissvar är sparat."))
            return redirect(invitation)
    by_pk = {c.pk: c for c in comments}
    rows = [(p, [by_pk[int(c)] for c in (p["comments"].value() or "").split(",") if c and int(c) in by_pk])
            for p in points]
    return render(request, "consultation/answer_form.html", {
        "invitation": invitation, "form": form, "points": points, "rows": rows})


@login_required
@require_POST
def answer_submit(request, pk):
    invitation = _invitation(pk)
    _require_coordinator(request.user, invitation)
    try:
        answers.answer_submit(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Remissvaret är inskickat och låst."))
    return redirect(invitation)


@login_required
@require_POST
def answer_withdraw(request, pk):
    invitation = _invitation(pk)
    _require_coordinator(request.user, invitation)
    try:
        answers.answer_withdraw(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Remissvaret är tillbakadraget och kan ändras. Skicka in det igen före "
                                    "sista svarsdag."))
    return redirect(invitation)


def _require_compilation_reader(user, round_):
    if not permissions.can_read_submitted_answers(user, round_):
        raise PermissionDenied(_("Remissammanställningen är inte publicerad än."))


@require_GET
def compilation_view(request, pk):
    round_ = _round(pk)
    _require_compilation_reader(request.user, round_)
    can_respond = permissions.can_respond(request.user, round_) and not round_.compilation_published_at
    return render(request, "consultation/compilation.html", {
        "round": round_,
        "groups": compilation.grouped(round_),
        "stats": compilation.statistics(round_),
        "can_respond": can_respond,
        "response_form": ResponseForm() if can_respond else None,
        "publish_form": PublishForm(round_=round_) if can_respond else None,
        "is_closed": timezone.now() >= round_.closes_at,
    })


@require_GET
def compilation_export(request, pk, fmt):
    round_ = _round(pk)
    _require_compilation_reader(request.user, round_)
    try:
        content, content_type, filename = exports.export(round_, fmt, request=request)
    except exports.ExportUnavailable as error:
        messages.error(request, str(error))
        return redirect("consultation:compilation", pk=round_.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def response_save(request, pk):
    item = get_object_or_404(AnswerItem.objects.select_related("answer__invitation__round"), pk=pk)
    round_ = item.answer.invitation.round
    if not permissions.can_respond(request.user, round_):
        raise PermissionDenied(_("Bara det ägande organets redaktörer bemöter remissvaren."))
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bemötandet sparades inte: %(errors)s") % {"errors": error_text(form)})
    else:
        try:
            compilation.response_save(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bemötandet är sparat."))
    return redirect(reverse("consultation:compilation", args=[round_.pk]) + f"#punkt-{item.pk}")


@login_required
@require_POST
def compilation_publish(request, pk):
    round_ = _round(pk)
    if not permissions.can_respond(request.user, round_):
        raise PermissionDenied(_("Bara det ägande organets redaktörer publicerar remissammanställningen."))
    form = PublishForm(request.POST, round_=round_)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        try:
            compilation.compilation_publish(by=request.user, round_=round_, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Remissammanställningen är publicerad och kan läsas av alla."))
    return redirect("consultation:compilation", pk=round_.pk)
