"""The registry's pages that apps above it add to, without the registry importing them (the
layers contract in pyproject.toml). An app registers, in its AppConfig.ready(), a function
that renders its part; the registry's views call whatever is registered, in order.

- person facts: more rows for the facts list on a person's page (the people app adds
  whether the person's declaration is assessed, and its measures);
- section links: links under the Organisation heading (the people app adds calls,
  declarations, the pool and compensation, as far as the user may use them).
"""

from collections.abc import Callable

_person_facts: list[Callable] = []
_section_links: list[Callable] = []


def register_person_facts(render: Callable) -> Callable:
    """`render(request, person)` returns safe HTML: <dt>/<dd> rows, or ""."""
    if render not in _person_facts:
        _person_facts.append(render)
    return render


def register_section_links(links: Callable) -> Callable:
    """`links(request)` returns (url, label) pairs the user may follow."""
    if links not in _section_links:
        _section_links.append(links)
    return links


def person_facts(request, person) -> list[str]:
    return [render(request, person) for render in _person_facts]


def section_links(request) -> list[tuple[str, str]]:
    return [link for links in _section_links for link in links(request)]
