from django.urls import path

from . import views

app_name = "people"

# Mounted under organisation/ beside the registry (kunskapsnav.urls); no path here is one of
# the registry's (organisation.urls).
urlpatterns = [
    path("utlysningar/", views.call_list, name="call_list"),
    path("utlysningar/ny/", views.call_create, name="call_create"),
    path("utlysningar/<int:pk>/", views.call_detail, name="call_detail"),
    path("utlysningar/<int:pk>/andra/", views.call_update, name="call_update"),
    path("utlysningar/<int:pk>/publicera/", views.call_publish, name="call_publish"),
    path("utlysningar/<int:pk>/stang/", views.call_close, name="call_close"),
    path("utlysningar/<int:pk>/anmal/", views.self_nominate, name="self_nominate"),
    path("utlysningar/<int:pk>/tack/", views.self_nomination_thanks, name="self_nomination_thanks"),
    path("utlysningar/<int:pk>/nominera/", views.nominate, name="nominate"),
    path("nomineringar/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nomineringar/<int:pk>/beslut/", views.nomination_decide, name="nomination_decide"),
    path("nomineringar/<int:pk>/aterkalla/", views.nomination_withdraw, name="nomination_withdraw"),
    path("jav/", views.my_declarations, name="my_declarations"),
    path("jav/ny/", views.declaration_create, name="declaration_create"),
    path("jav/bedomning/", views.assessor_queue, name="assessor_queue"),
    path("jav/bedomare/", views.assessors, name="assessors"),
    path("jav/bedomare/<int:pk>/ta-bort/", views.assessor_remove, name="assessor_remove"),
    path("jav/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("jav/<int:pk>/bedom/", views.declaration_assess, name="declaration_assess"),
    path("samordning/", views.coordination, name="coordination"),
    path("organ/<int:pk>/ledamoter/", views.body_seats, name="body_seats"),
    path("patientmedverkan/", views.pool, name="pool"),
    path("patientmedverkan/ny/", views.representative_create, name="representative_create"),
    path("patientmedverkan/<int:pk>/", views.representative_detail, name="representative_detail"),
    path("patientmedverkan/<int:pk>/andra/", views.representative_update, name="representative_update"),
    path("patientmedverkan/<int:pk>/uppdrag/ny/", views.assignment_create, name="assignment_create"),
    path("medverkansuppdrag/<int:pk>/ersattning/ny/", views.claim_create, name="claim_create"),
    path("ersattning/<int:pk>/beslut/", views.claim_decide, name="claim_decide"),
    path("ersattning/modell/<str:county_code>/", views.compensation_model, name="compensation_model"),
    path("ersattning/underlag/", views.payable_lists, name="payable_lists"),
    path("ersattning/underlag/<int:pk>.csv", views.payable_csv, name="payable_csv"),
    path("ersattning/experter/", views.expert_time, name="expert_time"),
    path("ersattning/experter.csv", views.expert_time_csv, name="expert_time_csv"),
    path("mina-uppgifter/export.json", views.own_data_export, name="own_data_export"),
]
