from django.urls import path

from relais.interventions import views

app_name = "interventions"
urlpatterns = [
    path("", views.request_list, name="request_list"),
]
