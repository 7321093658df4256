from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Body, HealthcareRegion, Membership, Municipality, Person, Region


@admin.register(HealthcareRegion)
class HealthcareRegionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "short_name")


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("county_code", "name", "healthcare_region")
    list_filter = ("healthcare_region",)


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("name", "code")


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "healthcare_region", "mirrors", "host_region", "is_active")
    list_filter = ("kind", "is_active", "region", "healthcare_region")
    search_fields = ("name",)
    autocomplete_fields = ("mirrors", "parent")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("family_name", "given_name", "title", "home_region", "is_synthetic")
    list_filter = ("home_region", "is_synthetic")
    search_fields = ("family_name", "given_name", "email")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("person", "body", "role", "represents_region", "start_date", "end_date", "time_share")
    list_filter = ("role", "body__kind")
    search_fields = ("person__family_name", "body__name")
    autocomplete_fields = ("person", "body")
