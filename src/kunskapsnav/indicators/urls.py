from django.urls import path, re_path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("korningar/", views.run_list, name="run_list"),
    path("korningar/ny/", views.run_start, name="run_start"),
    path("korningar/<int:pk>/", views.run_detail, name="run_detail"),
    path("import/", views.values_import, name="values_import"),
    path("<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("<str:code>/varden.csv", views.values_csv, name="values_csv"),
    path("<str:code>/analys/", views.indicator_analysis, name="indicator_analysis"),
    path("<str:code>/analys/installningar/", views.chart_settings_change, name="chart_settings_change"),
    path("<str:code>/analys/omrakning/", views.limits_recalculate, name="limits_recalculate"),
    path("<str:code>/analys/omrakning/<int:pk>/ta-bort/", views.limits_recalculation_remove,
         name="limits_recalculation_remove"),
    re_path(r"^(?P<code>[A-Z0-9-]+)/diagram/(?P<name>jamforelse|tratt|trend|styrdiagram|variationsbredd)\.(?P<fmt>png|svg|csv)$",
            views.chart_download, name="chart_download"),
]
