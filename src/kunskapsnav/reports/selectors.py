from django.db.models import Q, QuerySet

from kunskapsnav.organisation.permissions import coordinated_region_ids, is_national_admin

from .models import Report, ReportStatus


def reports_visible_to(user) -> QuerySet[Report]:
    """Published reports for everyone; the rest to those who may make them (permissions)."""
    reports = Report.objects.select_related("region", "healthcare_region")
    if is_national_admin(user) or (user.is_authenticated and user.is_active and user.analyst):
        return reports
    return reports.filter(Q(status=ReportStatus.PUBLISHED) | Q(region_id__in=coordinated_region_ids(user)))
