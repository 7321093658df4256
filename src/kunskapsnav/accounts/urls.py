from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    # A new account (a nominee's, say) and a forgotten password both end here: the link in
    # the mail lets the person choose a password.
    path("losenord/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_set.html", success_url=reverse_lazy("accounts:password_set_done")),
        name="password_set"),
    path("losenord/klart/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_set_done.html"), name="password_set_done"),
]
