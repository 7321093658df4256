from django.urls import re_path

from . import views

# Everything under /fhir/ goes to one view, which routes by the registry, so that an address
# the server does not know is answered with an OperationOutcome too.
urlpatterns = [re_path(r"^(?P<rest>.*)$", views.fhir, name="fhir")]
