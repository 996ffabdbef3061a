from django.urls import path

from relais.diagnostic import views

app_name = "diagnostic"
urlpatterns = [
    path("", views.start, name="start"),
    path("site/<uuid:public_id>/", views.site_link, name="site_link"),
    path("<uuid:public_id>/", views.question, name="question"),
    path("<uuid:public_id>/resultat/", views.result, name="result"),
]
