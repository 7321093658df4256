from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("ny/", views.report_request, name="report_request"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/rapport/", views.report_document, name="report_document"),
    path("<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/tabeller.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/status/", views.report_move, name="report_move"),
    path("<int:pk>/bedomning/", views.assessment_save, name="assessment_save"),
]
