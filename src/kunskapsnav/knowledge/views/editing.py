"""Writing knowledge supports: thin views over content, lifecycle, additions, attachments,
interchange and subscriptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kunskapsnav.lib.forms import attach_errors
from kunskapsnav.lib.redirects import next_url
from kunskapsnav.organisation.models import Body, Region

from .. import additions, attachments, content, interchange, lifecycle, permissions, subscriptions
from ..forms import AdditionForm, AttachmentForm, ImportForm, RecommendationForm, SupportForm, TransitionForm, VersionForm
from ..models import KnowledgeSupport, Recommendation, RegionalAddition, SupportVersion


def _version(pk, number) -> SupportVersion:
    return get_object_or_404(SupportVersion.objects.select_related("support__owning_body"), support_id=pk, number=number)


def _require_editor(user, support):
    if not permissions.can_edit_support(user, support):
        raise PermissionDenied(_("Bara det ägande organets redaktörer får ändra kunskapsstödet."))


@login_required
@require_http_methods(["GET", "POST"])
def support_create(request):
    if not permissions.can_create_any_support(request.user):
        raise PermissionDenied(_("Du får inte skapa kunskapsstöd."))
    form = SupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support = content.support_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(title)s har skapats som utkast.") % {"title": support.title})
            return redirect(support.versions.get(number=1))
    return render(request, "knowledge/support_form.html", {"form": form, "support": None})


@login_required
@require_http_methods(["GET", "POST"])
def support_update(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    _require_editor(request.user, support)
    form = SupportForm(request.POST or None, instance=support)
    if request.method == "POST" and form.is_valid():
        try:
            content.support_update(by=request.user, support=support, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Ändringarna har sparats."))
            return redirect(support)
    return render(request, "knowledge/support_form.html", {"form": form, "support": support})


@login_required
@require_http_methods(["GET", "POST"])
def version_update(request, pk, number):
    version = _version(pk, number)
    _require_editor(request.user, version.support)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            content.version_update(by=request.user, version=version, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Versionen har sparats."))
            return redirect(version)
    return render(request, "knowledge/version_form.html", {"form": form, "version": version})


@login_required
@require_POST
def version_create_next(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    try:
        version = content.version_create_next(by=request.user, support=support)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(support)
    messages.success(request, _("Version %(n)s har skapats som utkast.") % {"n": version.number})
    return redirect(version)


@login_required
@require_POST
def version_transition(request, pk, number):
    version = _version(pk, number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj vad som ska hända med versionen."))
        return redirect(version)
    try:
        version = lifecycle.version_transition(
            version=version, to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Versionen har nu status %(status)s.") % {"status": version.get_status_display().lower()})
    return redirect(version)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request, pk, number):
    version = _version(pk, number)
    _require_editor(request.user, version.support)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content.recommendation_create(by=request.user, version=version, **form.domain_values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Rekommendationen har lagts till."))
            return redirect(version)
    return render(request, "knowledge/recommendation_form.html", {"form": form, "version": version, "recommendation": None})


def _recommendation(pk) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("version__support__owning_body"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request, pk):
    rec = _recommendation(pk)
    _require_editor(request.user, rec.version.support)
    form = RecommendationForm(request.POST or None, initial=RecommendationForm.initial_for(rec))
    if request.method == "POST" and form.is_valid():
        try:
            content.recommendation_update(by=request.user, recommendation=rec, **form.domain_values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Rekommendationen har sparats."))
            return redirect(rec.version)
    return render(request, "knowledge/recommendation_form.html",
                  {"form": form, "version": rec.version, "recommendation": rec})


@login_required
@require_POST
def recommendation_delete(request, pk):
    rec = _recommendation(pk)
    try:
        content.recommendation_delete(by=request.user, recommendation=rec)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rekommendationen har tagits bort."))
    return redirect(rec.version)


@login_required
@require_POST
def recommendation_move(request, pk):
    rec = _recommendation(pk)
    offset = -1 if request.POST.get("riktning") == "upp" else 1
    try:
        content.recommendation_move(by=request.user, recommendation=rec, offset=offset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(rec.version)


@login_required
@require_http_methods(["GET", "POST"])
def addition_save(request, pk, county_code):
    rec = _recommendation(pk)
    region = get_object_or_404(Region, county_code=county_code)
    if not permissions.can_add_regional_addition(request.user, region_id=region.pk):
        raise PermissionDenied(_("Du får bara skriva tillägg för din egen region."))
    existing = RegionalAddition.objects.filter(recommendation=rec, region=region).first()
    form = AdditionForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            additions.addition_save(by=request.user, recommendation=rec, region=region, text=form.cleaned_data["text"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Tillägget för %(region)s har sparats.") % {"region": region})
            return redirect(f"{rec.version.support.get_absolute_url()}?region={region.county_code}")
    return render(request, "knowledge/addition_form.html",
                  {"form": form, "recommendation": rec, "region": region, "existing": existing})


@login_required
@require_POST
def addition_delete(request, pk):
    addition = get_object_or_404(RegionalAddition.objects.select_related("recommendation__version__support"), pk=pk)
    additions.addition_delete(by=request.user, addition=addition)
    messages.success(request, _("Tillägget har tagits bort."))
    return redirect(addition.recommendation.version.support)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request, pk, number):
    version = _version(pk, number)
    _require_editor(request.user, version.support)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachments.attachment_add(by=request.user, version=version, title=form.cleaned_data["title"],
                                       upload=form.cleaned_data["file"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Bilagan har lagts till."))
            return redirect(version)
    return render(request, "knowledge/attachment_form.html", {"form": form, "version": version})


@login_required
@require_http_methods(["GET", "POST"])
def support_import(request):
    if not permissions.can_create_any_support(request.user):
        raise PermissionDenied(_("Du får inte importera kunskapsstöd."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            report = interchange.supports_import(form.cleaned_data["file"].read(), by=request.user)
        except interchange.ImportFailed as failure:
            errors = failure.errors
        else:
            messages.success(request, _("%(n)s kunskapsstöd har importerats.") % {"n": len(report.supports)})
            return redirect(report.supports[0] if len(report.supports) == 1 else "knowledge:support_list")
    return render(request, "knowledge/import_form.html", {"form": form, "errors": errors})


@login_required
@require_POST
def subscription_toggle(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    following = subscriptions.subscription_toggle(user=request.user, support=support)
    messages.success(request, _("Du bevakar nu %(t)s.") % {"t": support} if following
                     else _("Du bevakar inte längre %(t)s.") % {"t": support})
    return redirect(support)


@login_required
@require_POST
def npo_subscription_toggle(request, body_pk):
    body = get_object_or_404(Body, pk=body_pk)
    try:
        following = subscriptions.subscription_toggle(user=request.user, body=body)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(body)
    messages.success(request, _("Du bevakar nu %(t)s.") % {"t": body} if following
                     else _("Du bevakar inte längre %(t)s.") % {"t": body})
    return redirect(next_url(request, body))
