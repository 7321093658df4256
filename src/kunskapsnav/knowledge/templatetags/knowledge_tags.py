from django import template
from django.utils.translation import gettext_lazy as _

from kunskapsnav.knowledge.search import highlight_title

register = template.Library()

FACET_TITLES = {
    "type": _("Typ"),
    "issuer": _("Utgivare"),
    "target_group": _("Målgrupp"),
    "status": _("Status"),
}


@register.simple_tag
def facet_title(name):
    return FACET_TITLES.get(name, name)


@register.filter
def get(mapping, key):
    return mapping.get(key)


@register.simple_tag
def query_with(params, key, value):
    """The query string with `key` set to `value`, back to the first page."""
    query = params.copy()
    query[key] = value
    if key != "page":
        query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def query_without(params, key):
    query = params.copy()
    query.pop(key, None)
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def highlight(title, query):
    return highlight_title(title, query)


@register.filter
def get_item(mapping, key):
    """mapping[key] with the key as a string (recommendation identities are UUIDs)."""
    if mapping is None:
        return None
    return mapping.get(str(key), mapping.get(key))
