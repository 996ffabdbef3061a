from django.urls import path

from relais.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.week, name="plan_week"),
    path("generer/", views.generate, name="plan_generate"),
    path("calculs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("calculs/<uuid:public_id>/avancement/", views.run_progress, name="run_progress"),
    path("<uuid:public_id>/confirmer/", views.confirm, name="plan_confirm"),
    path("visites/<uuid:public_id>/", views.visit_edit, name="visit_edit"),
    path("visites/<uuid:public_id>/verrou/", views.visit_lock, name="visit_lock"),
    path("sites/<uuid:public_id>/", views.site_priority, name="site_detail"),
    path("ponderations/", views.weights_edit, name="weights_edit"),
    path("prevision/", views.forecast_page, name="forecast"),
    path("mes-visites/", views.my_visits, name="my_visits"),
    path("mes-visites/agenda/", views.feed_manage, name="feed_manage"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
