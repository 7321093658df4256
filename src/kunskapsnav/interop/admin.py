from django.contrib import admin
from django.db import models

from .models import CdsClient


@admin.register(CdsClient)
class CdsClientAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "region", "jwks_url", "active")
    list_filter = ("active", "region")
    search_fields = ("name", "issuer")
    # A key address typed without a scheme is meant as https (the only scheme accepted for a
    # journal elsewhere than on this machine).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
