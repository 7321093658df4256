"""Atom feeds for people who follow by feed reader: the publications and withdrawals of one
NPO's supports, or of one type of support, newest first."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kunskapsnav.organisation.models import Body

from .. import selectors
from ..models import SupportType, VersionStatus, VersionTransition

# Enough for a reader that looks in now and then; the change feed of the API is for
# systems that must see every move.
FEED_LENGTH = 50


class _EventFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Kunskapsnav"
    item_guid_is_permalink = False

    def link(self, obj):
        return f"{reverse('knowledge:support_list')}?{urlencode(self.filter_of(obj))}"

    def items(self, obj):
        return selectors.public_events(**self.selection_of(obj), limit=FEED_LENGTH)

    def item_title(self, item: VersionTransition):
        event = _("Publicerad") if item.new_status == VersionStatus.PUBLISHED else _("Återkallad")
        return _("%(event)s: %(title)s, version %(number)s") % {
            "event": event, "title": item.version.support.title, "number": item.version.number,
        }

    def item_description(self, item: VersionTransition):
        version = item.version
        if item.new_status == VersionStatus.WITHDRAWN:
            return item.note or _("Versionen är återkallad och gäller inte längre.")
        return version.change_note or version.summary

    def item_link(self, item: VersionTransition):
        return item.version.get_absolute_url()

    def item_guid(self, item: VersionTransition):
        # One entry per move, stable whatever the site's address: a version's publication and
        # its later withdrawal are two entries with one link.
        return f"urn:kunskapsnav:versionshandelse:{item.pk}"

    def item_pubdate(self, item: VersionTransition):
        return item.at

    def item_updateddate(self, item: VersionTransition):
        return item.at

    def item_author_name(self, item: VersionTransition):
        return str(item.version.support.issuer)


class NpoFeed(_EventFeed):
    def get_object(self, request, body_pk):
        return get_object_or_404(Body.objects.npos(), pk=body_pk)

    def title(self, obj):
        return _("Kunskapsstöd från %(npo)s") % {"npo": obj.name}

    def subtitle(self, obj):
        return _("Publicerade och återkallade versioner av kunskapsstöd från %(npo)s.") % {"npo": obj.name}

    def filter_of(self, obj):
        return {"npo": obj.pk}

    def selection_of(self, obj):
        return {"npo": obj}


class TypeFeed(_EventFeed):
    def get_object(self, request, type):
        if type not in SupportType.values:
            raise Http404(_("Det finns ingen sådan typ av kunskapsstöd."))
        return SupportType(type)

    def title(self, obj):
        return _("Kunskapsstöd: %(type)s") % {"type": obj.label}

    def subtitle(self, obj):
        return _("Publicerade och återkallade versioner av typen %(type)s.") % {"type": obj.label}

    def filter_of(self, obj):
        return {"type": obj.value}

    def selection_of(self, obj):
        return {"type": obj.value}


npo_feed = require_safe(NpoFeed())
type_feed = require_safe(TypeFeed())
