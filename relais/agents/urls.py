from django.urls import path

from relais.agents import views

app_name = "agents"
urlpatterns = [
    path("", views.agent_list, name="agent_list"),
    path("<uuid:public_id>/", views.agent_detail, name="agent_detail"),
    path("gestionnaires-rh/", views.hr_manager_list, name="hr_manager_list"),
]
