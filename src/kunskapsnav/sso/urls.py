from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("logga-in/<slug:name>/", views.start, name="start"),
    # The redirect URI to register with the provider: SITE_URL + this path.
    path("logga-in/<slug:name>/svar/", views.callback, name="callback"),
]
