from django.urls import path

from .views import editing, feeds, portal

app_name = "knowledge"

urlpatterns = [
    path("", portal.support_list, name="support_list"),
    path("sok/", portal.search_view, name="search"),
    path("revidering/", portal.review_due, name="review_due"),
    path("nytt/", editing.support_create, name="support_create"),
    path("import/", editing.support_import, name="support_import"),
    path("<int:pk>/", portal.support_detail, name="support_detail"),
    path("<int:pk>/andra/", editing.support_update, name="support_update"),
    path("<int:pk>/export.json", portal.support_export, name="support_export"),
    path("<int:pk>/andringar/", portal.version_diff, name="version_diff"),
    path("<int:pk>/bevaka/", editing.subscription_toggle, name="subscription_toggle"),
    path("<int:pk>/ny-version/", editing.version_create_next, name="version_create_next"),
    path("<int:pk>/version/<int:number>/", portal.version_detail, name="version_detail"),
    path("<int:pk>/version/<int:number>/andra/", editing.version_update, name="version_update"),
    path("<int:pk>/version/<int:number>/status/", editing.version_transition, name="version_transition"),
    path("<int:pk>/version/<int:number>/rekommendationer/ny/", editing.recommendation_create,
         name="recommendation_create"),
    path("<int:pk>/version/<int:number>/bilagor/ny/", editing.attachment_add, name="attachment_add"),
    path("rekommendationer/<int:pk>/andra/", editing.recommendation_update, name="recommendation_update"),
    path("rekommendationer/<int:pk>/ta-bort/", editing.recommendation_delete, name="recommendation_delete"),
    path("rekommendationer/<int:pk>/flytta/", editing.recommendation_move, name="recommendation_move"),
    path("rekommendationer/<int:pk>/tillagg/<str:county_code>/", editing.addition_save, name="addition_save"),
    path("tillagg/<int:pk>/ta-bort/", editing.addition_delete, name="addition_delete"),
    path("bilagor/<int:pk>/", portal.attachment_download, name="attachment_download"),
    path("npo/<int:body_pk>/flode/", feeds.npo_feed, name="npo_feed"),
    path("typ/<str:type>/flode/", feeds.type_feed, name="type_feed"),
    path("npo/<int:body_pk>/bevaka/", editing.npo_subscription_toggle, name="npo_subscription_toggle"),
]
