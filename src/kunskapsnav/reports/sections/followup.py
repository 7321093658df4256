"""The structure follow-up (Region Jämtland Härjedalen's kind): for each region, does every
NPO have a mirroring local body or a contact person, do the local bodies have a chair, a
mandate (uppdragsbeskrivning) and time set aside, how many decisions they recorded and which
show no activity, and do the region's seats in national and sjukvårdsregional bodies have
assessed declarations. A region's report has a row per NPO and per body, each of which the
region can comment on; the nation's a row per region."""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from kunskapsnav.consultation.models import Assignment
from kunskapsnav.implementation.models import Decision
from kunskapsnav.organisation.coverage import CoverageStatus, region_coverage
from kunskapsnav.organisation.mandates import bodies_with_mandate_on
from kunskapsnav.organisation.models import LEVEL_OF_KIND, Body, BodyKind, Level, Membership, Role
from kunskapsnav.people.selectors import DECLARATION_REQUIRED_KINDS, NOT_A_SEAT, clearances

from . import DECIMAL, INTEGER, PERCENT, TEXT, Scope, bars, end_of, section, share, table

YES, NO = "ja", "nej"


def _local_bodies(scope: Scope, region_ids: set[int]) -> list:
    bodies = [b for b in Body.history.as_of(end_of(scope.period_end))
              if b.is_active and b.region_id in region_ids and LEVEL_OF_KIND.get(b.kind) == Level.LOCAL]
    return sorted(bodies, key=lambda b: (b.region_id, b.kind, b.name))


def _facts(scope: Scope):
    """What every table reads: the local bodies with their seats, mandates, decisions and
    remiss assignments in the period, the coverage, and the declarations of the regions' seats."""
    regions = scope.regions
    region_ids = {r.pk for r in regions}
    bodies = _local_bodies(scope, region_ids)
    ids = [b.id for b in bodies]
    seats = defaultdict(list)
    for body_id, role, time in Membership.objects.active_on(scope.period_end).filter(body_id__in=ids).values_list(
            "body_id", "role", "time_share"):
        seats[body_id].append((role, time))
    decisions = Counter(Decision.objects.filter(body_id__in=ids, decided_on__range=(scope.period_start,
                                                                                    scope.period_end))
                        .values_list("body_id", flat=True))
    assignments = Counter(Assignment.objects.filter(body_id__in=ids, invitation__round__closes_on__range=(
        scope.period_start, scope.period_end)).values_list("body_id", flat=True))
    declared = defaultdict(Counter)
    representing = list(Membership.objects.active_on(scope.period_end)
                        .filter(represents_region_id__in=region_ids, body__kind__in=DECLARATION_REQUIRED_KINDS)
                        .exclude(role__in=NOT_A_SEAT).values_list("represents_region_id", "person_id"))
    cleared = clearances([person for _region, person in representing], scope.period_end)
    for region_id, person_id in representing:
        declared[region_id]["seats"] += 1
        declared[region_id]["valid"] += cleared[person_id].ok
    return {"regions": regions, "bodies": bodies, "seats": seats, "decisions": decisions, "assignments": assignments,
            "mandates": bodies_with_mandate_on(ids, scope.period_end), "declared": declared,
            "coverage": region_coverage(day=scope.period_end, regions=regions)}


def collect(scope: Scope) -> dict:
    facts = _facts(scope)
    if scope.region is not None:
        blocks = [_npos(facts, scope.region), _bodies(facts), _declarations(facts)]
    else:
        blocks = [_per_region(facts)]
    return section("struktur-uppfoljning", _("Uppföljning av strukturen"), blocks,
                   lead=_("Läget den %(day)s; beslut och remissuppdrag under perioden.") % {
                       "day": scope.period_end.isoformat()})


def _npos(facts, region) -> dict:
    rows, keys = [], []
    for cell in facts["coverage"].row(region):
        covered_by = ", ".join(b.name for b in cell.bodies) or ", ".join(
            f"{p.given_name} {p.family_name}" for p in cell.contacts)
        rows.append([cell.npo.name, str(cell.status.label), covered_by])
        keys.append(f"npo-{cell.npo.pk}")
    return table("programomraden", _("Speglas varje nationellt programområde?"), [
        (_("Programområde"), TEXT), (_("Täcks av"), TEXT), (_("Organ eller kontaktperson"), TEXT)], rows,
        row_keys=keys)


def _activity(facts, body) -> str:
    busy = facts["decisions"][body.id] or facts["assignments"][body.id]
    return str(_("aktivt")) if busy else str(_("ingen registrerad aktivitet"))


def _bodies(facts) -> dict:
    rows, keys = [], []
    for body in facts["bodies"]:
        seats = facts["seats"][body.id]
        chair = any(role == Role.CHAIR for role, _time in seats)
        rows.append([body.name, str(BodyKind(body.kind).label), YES if chair else NO, len(seats),
                     round(sum(time or 0 for _role, time in seats) / 100, 1),
                     YES if body.id in facts["mandates"] else NO, facts["decisions"][body.id],
                     _activity(facts, body)])
        keys.append(f"organ-{body.id}")
    return table("lokala-organ", _("Lokala organ"), [
        (_("Organ"), TEXT), (_("Slag"), TEXT), (_("Ordförande"), TEXT), (_("Uppdrag"), INTEGER),
        (_("Avsatt tid (heltider)"), DECIMAL), (_("Uppdragsbeskrivning"), TEXT), (_("Beslut under perioden"), INTEGER),
        (_("Aktivitet"), TEXT)], rows, row_keys=keys,
        note=_("Aktivt: organet har registrerat beslut eller haft remissuppdrag under perioden."))


def _declarations(facts) -> dict:
    rows = []
    for region in facts["regions"]:
        counted = facts["declared"][region.pk]
        rows.append([region.name, counted["seats"], counted["valid"], share(counted["valid"], counted["seats"])])
    return table("jav", _("Regionens uppdrag i nationella och sjukvårdsregionala organ"), [
        (_("Region"), TEXT), (_("Uppdrag som kräver jävsdeklaration"), INTEGER), (_("Med bedömd deklaration"), INTEGER),
        (_("Andel"), PERCENT)], rows)


def _per_region(facts) -> dict:
    by_region = defaultdict(list)
    for body in facts["bodies"]:
        by_region[body.region_id].append(body)
    rows, keys = [], []
    for region in facts["regions"]:
        statuses = Counter(cell.status for cell in facts["coverage"].row(region))
        bodies = by_region[region.pk]
        chaired = sum(any(role == Role.CHAIR for role, _t in facts["seats"][b.id]) for b in bodies)
        with_mandate = sum(b.id in facts["mandates"] for b in bodies)
        idle = sum(_activity(facts, b) != str(_("aktivt")) for b in bodies)
        declared = facts["declared"][region.pk]
        rows.append([region.name, statuses[CoverageStatus.BODY] + statuses[CoverageStatus.CONTACT],
                     sum(statuses.values()), len(bodies), chaired, with_mandate,
                     sum(facts["decisions"][b.id] for b in bodies), idle, share(declared["valid"], declared["seats"])])
        keys.append(f"region-{region.county_code}")
    return table("regioner", _("Strukturen per region"), [
        (_("Region"), TEXT), (_("NPO som speglas"), INTEGER), (_("NPO totalt"), INTEGER), (_("Lokala organ"), INTEGER),
        (_("Med ordförande"), INTEGER), (_("Med uppdragsbeskrivning"), INTEGER), (_("Beslut"), INTEGER),
        (_("Utan registrerad aktivitet"), INTEGER), (_("Uppdrag med bedömd jävsdeklaration"), PERCENT)],
        rows, row_keys=keys, chart=bars(1))
