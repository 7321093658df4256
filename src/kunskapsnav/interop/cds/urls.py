from django.urls import path

from . import views

# The specification fixes the addresses: {base}/cds-services, {base}/cds-services/{id} and
# {base}/cds-services/{id}/feedback, without trailing slashes.
app_name = "cds"
urlpatterns = [
    path("cds-services", views.discovery, name="discovery"),
    path("cds-services/<str:service_id>", views.service, name="service"),
    path("cds-services/<str:service_id>/feedback", views.service_feedback, name="feedback"),
]
