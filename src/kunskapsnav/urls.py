from django.contrib import admin
from django.urls import include, path
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
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
