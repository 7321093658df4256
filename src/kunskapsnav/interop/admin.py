from django.contrib import admin

from .models import CdsClient


@admin.register(CdsClient)
class CdsClientAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "region", "active")
    list_filter = ("active", "region")
    search_fields = ("name", "issuer")
