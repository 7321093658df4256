from django.urls import path

from . import views

app_name = "implementation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("matris/", views.national_matrix, name="matrix"),
    path("matris.csv", views.national_matrix_csv, name="matrix_csv"),
    path("region/<str:county_code>/", views.region_dashboard, name="region"),
    path("region/<str:county_code>/beslutsordning/", views.decision_order, name="decision_order"),
    path("organ/<int:pk>/", views.body_view, name="body"),
    path("stod/<int:pk>/", views.support_progress, name="support_progress"),
    path("starta/<int:version_pk>/<str:county_code>/", views.adoption_start, name="adoption_start"),
    path("<int:pk>/", views.adoption_detail, name="adoption_detail"),
    path("<int:pk>/kartlaggning/", views.gap_analysis, name="gap_analysis"),
    path("<int:pk>/steg/", views.adoption_move, name="adoption_move"),
    path("<int:pk>/deltagare/", views.participant_add, name="participant_add"),
    path("<int:pk>/beslut/", views.decision_record, name="decision_record"),
    path("<int:pk>/verksamhetsomrade/", views.care_field_set, name="care_field_set"),
    path("<int:pk>/atgarder/", views.action_add, name="action_add"),
    path("<int:pk>/uppfoljning/", views.measure_add, name="measure_add"),
    path("<int:pk>/avstamningsintervall/", views.cadence_set, name="cadence_set"),
    path("<int:pk>/avstamningar/", views.review_record, name="review_record"),
    path("<int:pk>/dela/", views.sharing_set, name="sharing_set"),
    path("atgarder/<int:pk>/", views.action_update, name="action_update"),
    path("beslut/<int:pk>/bilaga/", views.decision_attachment, name="decision_attachment"),
]
