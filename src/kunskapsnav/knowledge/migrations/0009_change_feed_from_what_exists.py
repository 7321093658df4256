"""The change feed from what a database already holds, so that a mirror that follows it from
cursor 0 ends with the valid versions and additions made before the feed existed: each public
version published, then the ones no longer valid ended (at the time of their recorded move
where there is one), then each region's additions on each valid version.

Reversible: going back removes the whole log, which 0008 created."""

from django.db import migrations
from django.utils import timezone

PUBLISHED, SUPERSEDED, WITHDRAWN = "publicerad", "ersatt", "aterkallad"
ENDED = {SUPERSEDED: "version_superseded", WITHDRAWN: "version_withdrawn"}


def backfill(apps, schema_editor):
    SupportVersion = apps.get_model("knowledge", "SupportVersion")
    VersionTransition = apps.get_model("knowledge", "VersionTransition")
    RegionalAddition = apps.get_model("knowledge", "RegionalAddition")
    ContentChange = apps.get_model("knowledge", "ContentChange")
    now = timezone.now()
    ended_at = {
        (version_id, status): at
        for version_id, status, at in VersionTransition.objects.filter(new_status__in=list(ENDED))
        .order_by("at").values_list("version_id", "new_status", "at")
    }
    public = SupportVersion.objects.filter(status__in=[PUBLISHED, *ENDED]).values_list(
        "pk", "support_id", "number", "status", "published_at")
    events = []  # (at, order within the same moment, support, number, kind, region)
    valid = {}
    for pk, support_id, number, status, published_at in public.iterator(chunk_size=5000):
        events.append((published_at or now, 0, support_id, number, "version_published", ""))
        if status in ENDED:
            events.append((ended_at.get((pk, status), now), 1, support_id, number, ENDED[status], ""))
        else:
            valid[support_id] = number
    regions = (
        RegionalAddition.objects.filter(recommendation__version__support_id__in=list(valid))
        .values_list("recommendation__version__support_id", "region__county_code").distinct()
    )
    for support_id, code in regions.iterator(chunk_size=5000):
        events.append((now, 2, support_id, valid[support_id], "addition_created", code))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3], e[5]))
    ContentChange.objects.bulk_create(
        (ContentChange(at=at, support_id=support_id, version_number=number, kind=kind, region_code=code)
         for at, _order, support_id, number, kind, code in events),
        batch_size=5000,
    )


def forget(apps, schema_editor):
    apps.get_model("knowledge", "ContentChange").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0008_change_feed"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
