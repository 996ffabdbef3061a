from django.urls import path

from relais.helpdesk import public_views, views

app_name = "helpdesk"
urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("appel/", views.call_create, name="call_create"),
    path("appel/agents/", views.agent_search, name="agent_search"),
    path("tickets/<uuid:public_id>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<uuid:public_id>/repondre/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<uuid:public_id>/note/", views.ticket_note, name="ticket_note"),
    path("tickets/<uuid:public_id>/statut/", views.ticket_status, name="ticket_status"),
    path("tickets/<uuid:public_id>/doublon/", views.ticket_duplicate, name="ticket_duplicate"),
    path("tickets/<uuid:public_id>/attribuer/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<uuid:public_id>/modifier/", views.ticket_update, name="ticket_update"),
    path("tickets/<uuid:public_id>/informatique/", views.ticket_escalate, name="ticket_escalate"),
    path("tickets/<uuid:public_id>/guide/", views.ticket_link_article, name="ticket_link_article"),
    path("tickets/<uuid:public_id>/agent/", views.ticket_match, name="ticket_match"),
    path("statistiques/", views.statistics, name="statistics"),
    # Public: no account (agents reach them from a poster's QR code or an e-mail link).
    path("aide/", public_views.public_form, name="public_form"),
    path("aide/merci/<str:token>/", public_views.public_thanks, name="public_thanks"),
    path("avis/<str:token>/", public_views.survey, name="survey"),
    path("affiche/", public_views.poster, name="poster"),
]
