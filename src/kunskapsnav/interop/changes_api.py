"""/api/v1/changes: the change feed (ändringsflöde) of the knowledge supports, for the systems
that keep a copy of the valid content (knowledge.changes writes it)."""

import datetime

from django.urls import reverse
from django.utils.http import urlencode
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from kunskapsnav.interop.caching import documented, validated_by_changes
from kunskapsnav.interop.edge import MAX_ID
from kunskapsnav.knowledge import changes
from kunskapsnav.knowledge.models import ChangeKind, ContentChange

router = Router(tags=["ändringsflöde"])

MAX_LIMIT = 1000

ADDITION_KINDS = {ChangeKind.ADDITION_CREATED, ChangeKind.ADDITION_CHANGED, ChangeKind.ADDITION_REMOVED,
                  ChangeKind.ADDITIONS_CARRIED}

DESCRIPTION = """Allt som en anonym läsare kan se ändras i kunskapsstöden, i ordning. Varje post har en
markör (`cursor`, stigande) och en adress (`url`) där det ändrade hämtas i sitt nuvarande skick.
Börja med `since=0`, hämta varje post och fortsätt med `next` (eller `since=last_cursor`) tills
`next` är null; spara `last_cursor` och fortsätt därifrån nästa gång. En spegel som gör så har
till slut exakt de gällande versionerna och deras regionala tillägg.

Slag av ändring (`kind`):

- `version_published`: versionen publicerades och är den gällande. `url`: versionen.
- `version_superseded`: versionen ersattes av en nyare. `url`: versionen (status `ersatt`).
- `version_withdrawn`: versionen återkallades; kunskapsstödet har ingen gällande version. `url`: versionen.
- `review_date_changed`: den gällande versionens revideringsdatum ändrades. `url`: versionen.
- `support_changed`: kunskapsstödets egna uppgifter (titel, typ, utgivare, målgrupper, diagnoser)
  ändrades. `version` är null. `url`: kunskapsstödet.
- `addition_created`, `addition_changed`, `addition_removed`: en regions tillägg till versionen
  skrevs, ändrades eller togs bort. `region` är länskoden. `url`: regionens tillägg till versionen.
- `additions_carried`: en ny version publicerades och regionens tillägg visas nu på den (ett tillägg
  följer rekommendationens identitet; finns rekommendationen inte längre visas tillägget inte).
  `url`: regionens tillägg till den nya versionen.

Den som speglar hämtar `url` och ersätter det den har för samma sak: versionen, kunskapsstödet
eller (för tilläggen) regionens tillägg till versionen. Eftersom `url` ger nuläget kan en senare
post redan ha hunnit ändra det; det gör inget, den posten kommer också.
"""


class ChangeOut(Schema):
    cursor: int = Field(..., description="Postens markör; ange den som since för att fortsätta efter den")
    kind: ChangeKind
    support: int = Field(..., description="Kunskapsstödets id")
    version: int | None = Field(None, description="Versionsnumret, null för support_changed")
    region: str | None = Field(None, description="Länskod för tilläggen, annars null")
    at: datetime.datetime
    url: str = Field(..., description="Absolut sökväg under /api/v1/ där det ändrade hämtas")


class ChangesOut(Schema):
    items: list[ChangeOut]
    last_cursor: int = Field(..., description="Den sista postens markör, eller since om sidan är tom")
    next: str | None = Field(None, description="Nästa sida, eller null när flödet är läst till slutet")


class ChangesQuery(Schema):
    since: int = Field(0, ge=0, le=MAX_ID, description="Poster efter den här markören (0: från början)")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Högst {MAX_LIMIT} per sida")


def change_url(change: ContentChange) -> str:
    """Where the current state of what the entry names is read."""
    if change.version_number is None:
        return reverse("api:get_support", kwargs={"support_id": change.support_id})
    args = {"support_id": change.support_id, "number": change.version_number}
    if change.kind in ADDITION_KINDS:
        return f"{reverse('api:list_additions', kwargs=args)}?{urlencode({'region': change.region_code})}"
    return reverse("api:get_version", kwargs=args)


def _item(change: ContentChange) -> dict:
    return {
        "cursor": change.pk, "kind": change.kind, "support": change.support_id, "version": change.version_number,
        "region": change.region_code or None, "at": change.at, "url": change_url(change),
    }


@router.get("/changes", response=ChangesOut, summary="Ändringsflödet: publiceringar, ersättningar, "
            "återkallelser, revideringsdatum och regionala tillägg", description=DESCRIPTION,
            openapi_extra=documented())
@decorate_view(validated_by_changes(per_support=False))
def list_changes(request, query: Query[ChangesQuery]):
    # One more than asked for says whether there is a next page.
    found = changes.changes_since(query.since, limit=query.limit + 1)
    page = found[: query.limit]
    last = page[-1].pk if page else query.since
    more = len(found) > query.limit
    return {
        "items": [_item(c) for c in page],
        "last_cursor": last,
        "next": f"{reverse('api:list_changes')}?{urlencode({'since': last, 'limit': query.limit})}" if more else None,
    }
