from django.urls import path

from relais.findings import views

app_name = "findings"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("direction/<uuid:public_id>/", views.direction_detail, name="direction_detail"),
    path("direction/<uuid:public_id>/demande/", views.direction_request, name="direction_request"),
    path("gestionnaire/<uuid:public_id>/", views.manager_detail, name="manager_detail"),
    path("gestionnaire/<uuid:public_id>/export.<str:fmt>", views.manager_export, name="manager_export"),
    path("constat/<uuid:public_id>/justifier/", views.finding_justify, name="finding_justify"),
    path("demande/<uuid:public_id>/", views.request_assessment, name="request_assessment"),
]
