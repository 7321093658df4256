"""The structure: bodies by level, seats and chairs, the time set aside, patient
participation, and the coverage of the NPOs in each region, as they were on the last day of
the period."""

from collections import Counter

from django.utils.translation import gettext as _

from kunskapsnav.organisation.coverage import CoverageStatus, region_coverage
from kunskapsnav.organisation.models import LEVEL_OF_KIND, Body, BodyKind, Level, Membership, Role

from . import DECIMAL, INTEGER, PERCENT, TEXT, Scope, bars, end_of, figures, section, share, table


def _bodies(scope: Scope) -> list:
    """The bodies active at the end of the period, as the registry's history has them: a
    body closed since is counted, one made since is not."""
    bodies = [b for b in Body.history.as_of(end_of(scope.period_end)) if b.is_active]
    if scope.region is not None:
        return [b for b in bodies if b.region_id == scope.region.pk]
    if scope.healthcare_region is not None:
        regions = {r.pk for r in scope.regions}
        return [b for b in bodies if b.region_id in regions or b.healthcare_region_id == scope.healthcare_region.pk]
    return bodies


def collect(scope: Scope) -> dict:
    bodies = _bodies(scope)
    body_ids = {b.id for b in bodies}
    level_of_body = {b.id: LEVEL_OF_KIND.get(b.kind) for b in bodies}
    memberships = list(Membership.objects.active_on(scope.period_end).filter(body_id__in=body_ids)
                       .values_list("body_id", "role", "time_share"))
    coverage = _coverage(scope)
    holes = sum(row[3] for row in coverage["rows"])
    return section("struktur", _("Strukturen"), [
        figures("struktur-summa", _("Vid periodens slut"), [
            (_("Aktiva organ"), len(bodies), INTEGER), (_("Uppdrag"), len(memberships), INTEGER),
            (_("Programområden utan lokalt organ eller kontaktperson (region × NPO)"), holes, INTEGER)]),
        _bodies_by_kind(bodies),
        _seats_by_level(bodies, memberships, level_of_body),
        coverage,
    ], lead=_("Organ, uppdrag och täckning den %(day)s.") % {"day": scope.period_end.isoformat()})


def _bodies_by_kind(bodies) -> dict:
    counted = Counter(b.kind for b in bodies)
    rows = [[str(Level(LEVEL_OF_KIND[kind]).label), str(BodyKind(kind).label), counted[kind]]
            for level in Level for kind in sorted(k for k in counted if LEVEL_OF_KIND.get(k) == level)]
    return table("organ", _("Organ per nivå och slag"), [(_("Nivå"), TEXT), (_("Slag"), TEXT), (_("Antal"), INTEGER)],
                 rows, chart=bars(2))


def _seats_by_level(bodies, memberships, level_of_body) -> dict:
    rows = []
    for level in Level:
        at_level = [b.id for b in bodies if level_of_body[b.id] == level]
        if not at_level:
            continue
        ids = set(at_level)
        seats = [(body, role, time) for body, role, time in memberships if body in ids]
        chaired = {body for body, role, _time in seats if role == Role.CHAIR}
        patients = sum(1 for _body, role, _time in seats if role == Role.PATIENT_REPRESENTATIVE)
        full_time = sum(time or 0 for _body, _role, time in seats) / 100
        rows.append([str(level.label), len(at_level), len(seats), len(chaired & ids),
                     share(len(chaired & ids), len(at_level)), patients, round(full_time, 1)])
    return table("uppdrag", _("Uppdrag per nivå"), [
        (_("Nivå"), TEXT), (_("Organ"), INTEGER), (_("Uppdrag"), INTEGER), (_("Organ med ordförande"), INTEGER),
        (_("Andel med ordförande"), PERCENT), (_("Patient- och brukarföreträdare"), INTEGER),
        (_("Avsatt tid (heltider)"), DECIMAL)], rows,
        note=_("Avsatt tid är summan av uppdragens andel av arbetstiden, där den är angiven."))


def _coverage(scope: Scope) -> dict:
    matrix = region_coverage(day=scope.period_end, regions=scope.regions)
    rows = []
    for region in matrix.regions:
        counted = Counter(cell.status for cell in matrix.row(region))
        rows.append([region.name, counted[CoverageStatus.BODY], counted[CoverageStatus.CONTACT],
                     counted[CoverageStatus.HOLE], ", ".join(c.npo.name for c in matrix.holes(region))])
    return table("tackning", _("Täckning av de nationella programområdena"), [
        (_("Region"), TEXT), (_("Med lokalt organ"), INTEGER), (_("Med kontaktperson"), INTEGER),
        (_("Saknas"), INTEGER), (_("Programområden som saknas"), TEXT)], rows, chart=bars(1, 2, 3, stacked=True),
        note=_("Varje NPO ska ha ett lokalt organ som speglar det eller en namngiven kontaktperson i regionen."))
