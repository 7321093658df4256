from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Roller i Kunskapsnav"), {"fields": ("national_admin", "analyst")}),)
    list_display = ("username", "first_name", "last_name", "national_admin", "analyst", "is_active")
    list_filter = ("national_admin", "analyst", "is_active", "is_staff")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "created_at", "last_used_at")
