from django.urls import path, re_path

from . import views

app_name = "consultation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("ny/<int:version_pk>/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/inbjudningar/", views.invitation_add, name="invitation_add"),
    path("<int:pk>/sammanstallning/", views.compilation_view, name="compilation"),
    re_path(r"^(?P<pk>\d+)/sammanstallning\.(?P<fmt>csv|xlsx|pdf)$", views.compilation_export,
            name="compilation_export"),
    path("<int:pk>/sammanstallning/publicera/", views.compilation_publish, name="compilation_publish"),
    path("svar/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("svar/<int:pk>/uppdrag/", views.assignment_add, name="assignment_add"),
    path("svar/<int:pk>/synpunkter/", views.comment_add, name="comment_add"),
    path("svar/<int:pk>/sammanstall/", views.answer_compose, name="answer_compose"),
    path("svar/<int:pk>/skicka/", views.answer_submit, name="answer_submit"),
    path("svar/<int:pk>/dra-tillbaka/", views.answer_withdraw, name="answer_withdraw"),
    path("punkter/<int:pk>/bemotande/", views.response_save, name="response_save"),
]
