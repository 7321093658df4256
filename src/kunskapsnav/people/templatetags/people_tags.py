"""The people pages' links, for the people app's own pages."""

from django import template

from .. import extensions

register = template.Library()


@register.inclusion_tag("people/_links.html", takes_context=True)
def people_links(context):
    request = context["request"]
    return {"links": extensions.section_links(request), "request": request}
