from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("nytt/", views.need_create, name="need_create"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("<int:pk>/steg/", views.need_step, name="need_step"),
]
