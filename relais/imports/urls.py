from django.urls import path

from relais.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("nouveau/", views.run_create, name="run_create"),
    path("<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("<uuid:public_id>/colonnes/", views.run_map, name="run_map"),
    path("<uuid:public_id>/avancement/", views.run_progress, name="run_progress"),
    path("<uuid:public_id>/appliquer/", views.run_apply, name="run_apply"),
    path("<uuid:public_id>/abandonner/", views.run_discard, name="run_discard"),
    path("<uuid:public_id>/rejets.<str:fmt>", views.run_rejections, name="run_rejections"),
]
