"""The public portal: find and read knowledge supports."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kunskapsnav.organisation.models import Region
from kunskapsnav.organisation.permissions import can_see_change_authors
from kunskapsnav.people.selectors import conflict_measures

from .. import diff, interchange, lifecycle, permissions, search, selectors, uptake
from ..forms import BrowseForm, SearchForm
from ..models import Attachment, KnowledgeSupport, Subscription, SupportType, SupportVersion

PAGE_SIZE = 20


@require_safe
def support_list(request):
    form = BrowseForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    supports = selectors.supports_browse(
        type=params.get("type") or None,
        npo=params.get("npo"),
        target_group=params["target_group"].code if params.get("target_group") else None,
        condition=params.get("condition") or None,
        q=params.get("q", ""),
    )
    page = Paginator(supports, 50).get_page(request.GET.get("sida"))
    context = {"form": form, "page": page, "feeds": _feeds_of(params),
               "in_work": selectors.supports_in_work(request.user) if request.user.is_authenticated else []}
    return render(request, "knowledge/support_list.html", context)


def _feeds_of(params: dict) -> list[tuple[str, str]]:
    """The Atom feeds of what the list is filtered by (an NPO, a type), for feed readers."""
    feeds = []
    if params.get("npo") is not None:
        npo = params["npo"]
        feeds.append((reverse("knowledge:npo_feed", args=[npo.pk]), _("Nytt från %(npo)s") % {"npo": npo.name}))
    if params.get("type"):
        label = SupportType(params["type"]).label
        feeds.append((reverse("knowledge:type_feed", args=[params["type"]]), _("Nytt: %(type)s") % {"type": label}))
    return feeds


@require_safe
def search_view(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        page = data.get("page") or 1
        results = search.search(
            data["q"], include_all=data["include_all"], type=data["type"] or None, issuer=data["issuer"] or None,
            target_group=data["target_group"] or None, status=data["status"] or None,
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
        )
        results.page = page
        results.has_next = page * PAGE_SIZE < results.total
    params = request.GET.copy()
    template = "knowledge/search.html#results" if request.htmx else "knowledge/search.html"
    return render(request, template, {"form": form, "results": results, "params": params})


def _following(user, support: KnowledgeSupport) -> tuple[bool, bool]:
    """Whether the user follows the support, and its NPO, read in one query."""
    if not user.is_authenticated:
        return False, False
    npo = support.npo
    wanted = Q(support=support) | Q(body=npo) if npo is not None else Q(support=support)
    found = list(Subscription.objects.filter(wanted, user=user).values_list("support_id", "body_id"))
    return (any(support_id == support.pk for support_id, _body in found),
            npo is not None and any(body_id == npo.pk for _support, body_id in found))


def _support_context(request, support: KnowledgeSupport, version: SupportVersion | None,
                     versions: list[SupportVersion] | None = None):
    region, show_all = selectors.reader_region(request.user, request.GET.get("region"))
    if versions is None:
        versions = selectors.versions_visible_to(request.user, support)
    following, following_npo = _following(request.user, support)
    valid = next((v for v in versions if v.is_valid), None)
    previous = None
    if version is not None:
        previous = next((v for v in versions if v.number < version.number and v.status != "utkast"), None)
    return {
        "support": support,
        "version": version,
        "valid_version": valid,
        "versions": versions,
        "recommendations": selectors.recommendations_of(version) if version else [],
        "additions": selectors.additions_by_key(version, region=region, show_all=show_all) if version else {},
        "addition_region": region,
        "show_all_additions": show_all,
        "regions": Region.objects.all(),
        "previous": previous,
        "can_edit": permissions.can_edit_support(request.user, support),
        "can_add_for_region": (
            region if region is not None and version is not None and version.is_valid
            and permissions.can_add_regional_addition(request.user, region_id=region.pk) else None
        ),
        "transitions": lifecycle.allowed_transitions(request.user, version) if version else [],
        "action_labels": lifecycle.ACTION_LABELS,
        "history": selectors.transitions_of(version) if version else [],
        "hide_authors": not can_see_change_authors(request.user),
        "following": following,
        "following_npo": following_npo,
        "measures_body": support.owning_body,
        "conflict_measures": conflict_measures(request.user, support.owning_body, timezone.localdate()),
        **_uptake_context(request.user, version, region),
    }


def _uptake_context(user, version: SupportVersion | None, region: Region | None) -> dict:
    """The uptake in the journals of the valid version's recommendations, for the region whose
    additions the reader chose (else the nation's alone); nothing until a card was counted."""
    if version is None or not version.is_valid:
        return {}
    found = selectors.version_uptake(user, version, region=region)
    if not uptake.any_counted(found):
        return {}
    return {"uptake": found, "uptake_region": region, "small_count": settings.INDICATOR_SMALL_COUNT}


@require_safe
def support_detail(request, pk):
    support = get_object_or_404(
        KnowledgeSupport.objects.select_related("owning_body__mirrors", "issuer_body", "issuer_region"), pk=pk
    )
    versions = selectors.versions_visible_to(request.user, support)
    if not versions:
        raise Http404
    version = next((v for v in versions if v.is_valid), versions[0])
    return render(request, "knowledge/support_detail.html", _support_context(request, support, version, versions))


@require_safe
def version_detail(request, pk, number):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    version = get_object_or_404(SupportVersion, support=support, number=number)
    if not selectors.can_read_version(request.user, version):
        raise Http404
    return render(request, "knowledge/support_detail.html", _support_context(request, support, version))


@require_safe
def version_diff(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    versions = selectors.versions_visible_to(request.user, support)
    by_number = {v.number: v for v in versions}
    try:
        new = by_number[int(request.GET.get("till") or versions[0].number)]
        old = by_number[int(request.GET.get("fran") or max(n for n in by_number if n < new.number))]
    except (KeyError, ValueError, IndexError):
        raise Http404(_("Det finns inga två versioner att jämföra.")) from None
    context = {"support": support, "diff": diff.version_diff(old, new), "versions": versions}
    return render(request, "knowledge/diff.html", context)


@require_safe
def review_due(request):
    return render(request, "knowledge/review_due.html", {"versions": selectors.review_due(), "within_days": 90})


@require_safe
def support_export(request, pk):
    support = get_object_or_404(KnowledgeSupport, pk=pk)
    if not selectors.versions_visible_to(request.user, support):
        raise Http404
    # Readers get the published, replaced and withdrawn versions; editors also the work in progress.
    data = interchange.support_export(
        support, include_unpublished=permissions.can_see_unpublished(request.user, support)
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="kunskapsstod-{support.pk}.json"'
    return response


@require_safe
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("version__support"), pk=pk)
    if not selectors.can_read_version(request.user, attachment.version):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])
