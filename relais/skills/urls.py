from django.urls import path

from relais.skills import views

app_name = "skills"
urlpatterns = [
    path("pix/<uuid:public_id>/confirmer/", views.pix_confirm, name="pix_confirm"),
]
