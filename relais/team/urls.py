from django.urls import path

from relais.team import views

app_name = "team"

urlpatterns = [
    path("", views.home, name="home"),
    path("recrutements/nouveau/", views.recruit_create, name="recruit_create"),
    path("recrutements/<uuid:public_id>/", views.recruit_detail, name="recruit_detail"),
    path("recrutements/<uuid:public_id>/modules/<int:module_id>/", views.module_done, name="module_done"),
    path("recrutements/<uuid:public_id>/binome/", views.shadowing_add, name="shadowing_add"),
]
