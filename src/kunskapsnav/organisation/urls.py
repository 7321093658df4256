from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("organ/", views.body_list, name="body_list"),
    path("organ/organ.csv", views.body_list_csv, name="body_list_csv"),
    path("organ/nytt/", views.body_create, name="body_create"),
    path("organ/<int:pk>/", views.body_detail, name="body_detail"),
    path("organ/<int:pk>/andra/", views.body_update, name="body_update"),
    path("organ/<int:pk>/uppdragsbeskrivning/", views.mandate_adopt, name="mandate_adopt"),
    path("organ/<int:body_pk>/uppdrag/nytt/", views.membership_create, name="membership_create"),
    path("uppdrag/<int:pk>/andra/", views.membership_update, name="membership_update"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/andra/", views.person_update, name="person_update"),
    path("regioner/", views.region_list, name="region_list"),
    path("regioner/<str:county_code>/", views.region_detail, name="region_detail"),
    path("regioner/<str:county_code>/tackning.csv", views.region_coverage_csv, name="region_coverage_csv"),
    path("tackning/", views.coverage_matrix, name="coverage_matrix"),
    path("tackning/tackning.csv", views.coverage_matrix_csv, name="coverage_matrix_csv"),
    path("sjukvardsregioner/<slug:code>/", views.healthcare_region_detail, name="healthcare_region_detail"),
]
