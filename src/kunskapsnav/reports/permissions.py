"""Who may make, read, comment on, lock and publish reports.

- The national secretariat (national administrators) and analysts make any report; a
  region's coordinator makes the reports of their own region.
- A report in the making or a draft is read by those who may make it; a region's report
  also by that region's coordinators. A published report is public.
- Assessments are written, before the report is locked, by the national secretariat (any
  report) and by a region's coordinators (the reports of their region).
- The national secretariat and the region's coordinators lock a draft; only the national
  secretariat publishes a national or sjukvårdsregional report, a region's coordinator
  their region's.
"""

from kunskapsnav.organisation.permissions import coordinated_region_ids, is_national_admin  # noqa: F401 (is_national_admin is asked through this module)

from .models import Report, ReportStatus


def _is_analyst(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.analyst)


def can_make(user, *, region_id: int | None) -> bool:
    if is_national_admin(user) or _is_analyst(user):
        return True
    return region_id is not None and region_id in coordinated_region_ids(user)


def can_make_any(user) -> bool:
    return is_national_admin(user) or _is_analyst(user) or bool(coordinated_region_ids(user))


def _of_own_region(user, report: Report) -> bool:
    return report.region_id is not None and report.region_id in coordinated_region_ids(user)


def can_read(user, report: Report) -> bool:
    if report.status == ReportStatus.PUBLISHED:
        return True
    return can_make(user, region_id=report.region_id)


def can_assess(user, report: Report) -> bool:
    if report.status != ReportStatus.DRAFT:
        return False
    return is_national_admin(user) or _of_own_region(user, report)


def can_freeze(user, report: Report) -> bool:
    return report.status == ReportStatus.DRAFT and (is_national_admin(user) or _of_own_region(user, report))


def can_publish(user, report: Report) -> bool:
    if report.status != ReportStatus.FROZEN:
        return False
    return is_national_admin(user) or _of_own_region(user, report)
