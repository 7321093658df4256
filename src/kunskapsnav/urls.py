from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.utils.translation import gettext_lazy as _

from kunskapsnav import views
from kunskapsnav.interop.api import api

admin.site.site_header = _("Kunskapsnav – administration")
admin.site.site_title = _("Kunskapsnav")
# The admin writes around the domain rules, so it is for national administrators only.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_staff and (
    request.user.is_superuser or request.user.national_admin
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("konto/", include("kunskapsnav.accounts.urls")),
    path("konto/", include("kunskapsnav.sso.urls")),
    path("kunskapsstod/", include("kunskapsnav.knowledge.urls")),
    path("organisation/", include("kunskapsnav.organisation.urls")),
    path("organisation/", include("kunskapsnav.people.urls")),
    path("remiss/", include("kunskapsnav.consultation.urls")),
    path("inforande/", include("kunskapsnav.implementation.urls")),
    path("uppfoljning/", include("kunskapsnav.indicators.urls")),
    path("behov/", include("kunskapsnav.needs.urls")),
    path("lagvardig-vard/", include("kunskapsnav.lowvalue.urls")),
    path("samstammighet/", include("kunskapsnav.coherence.urls")),
    path("arlig-uppfoljning/", include("kunskapsnav.reports.urls")),
    path("api/v1/", api.urls),
    path("fhir/", include("kunskapsnav.interop.fhir.urls")),
    # CDS Hooks 2.0: decision support in the journal (docs/cds-hooks.md)
    path("", include("kunskapsnav.interop.cds.urls")),
    # The language switch in every page's header needs no CSRF token: all it can do is set
    # the language cookie (and redirect within this site), so a forged request changes
    # nothing but the language someone reads in. Without the token, an anonymous page holds
    # nothing personal and the page cache (lib/pagecache.py) can share it.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
