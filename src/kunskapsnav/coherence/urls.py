from django.urls import path

from . import views

app_name = "coherence"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organ/<int:body_pk>/", views.body_queue, name="body_queue"),
    path("sks/", views.sks_queue, name="sks_queue"),
    path("kandidat/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("kandidat/<int:pk>/beslut/", views.candidate_decide, name="candidate_decide"),
    path("korningar/", views.run_list, name="run_list"),
    path("korningar/ny/", views.run_start, name="run_start"),
    path("kunskapsstod/<int:pk>/", views.support_section, name="support_section"),
]
