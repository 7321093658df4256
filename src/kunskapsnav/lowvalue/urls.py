from django.urls import path

from . import views

app_name = "lowvalue"

urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("ny/", views.practice_create, name="practice_create"),
    path("nationell-bild/", views.national_view, name="national_view"),
    path("<int:pk>/", views.practice_detail, name="practice_detail"),
    path("<int:pk>/andra/", views.practice_update, name="practice_update"),
    path("<int:pk>/kopplingar/", views.practice_links, name="practice_links"),
]
