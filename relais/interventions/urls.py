from django.urls import path

from relais.interventions import views

app_name = "interventions"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("nouvelle/", views.request_create, name="request_create"),
    path("<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("<uuid:public_id>/decision/", views.request_decide, name="request_decide"),
    path("<uuid:public_id>/programmation/", views.request_schedule, name="request_schedule"),
    path("<uuid:public_id>/realisation/", views.request_done, name="request_done"),
    path("<uuid:public_id>/evaluation/", views.request_assess, name="request_assess"),
    path("<uuid:public_id>/retrait/", views.request_withdraw, name="request_withdraw"),
    path("<uuid:public_id>/commentaire/", views.request_comment, name="request_comment"),
]
