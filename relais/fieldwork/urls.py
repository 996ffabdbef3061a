from django.urls import path
from django.views.generic import RedirectView

from relais.fieldwork.views import lists, offline, phone, signin

app_name = "fieldwork"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="fieldwork:my_day"), name="index"),
    path("ma-journee/", phone.my_day, name="my_day"),
    # Served here, not under /static/, so that its scope is /terrain/ (the pages it keeps offline).
    path("sw.js", offline.service_worker, name="service_worker"),
    path("deplacements/nouveau/", phone.visit_create, name="visit_create"),
    path("sites/recherche/", phone.site_search, name="site_search"),
    path("deplacements/<uuid:public_id>/", phone.visit_detail, name="visit_detail"),
    path("deplacements/<uuid:public_id>/commencer/", phone.visit_start, name="visit_start"),
    path("deplacements/<uuid:public_id>/bilan/", phone.visit_summary, name="visit_summary"),
    path("deplacements/<uuid:public_id>/clore/", phone.visit_close, name="visit_close"),
    path("deplacements/<uuid:public_id>/annuler/", phone.visit_cancel, name="visit_cancel"),
    path("deplacements/<uuid:public_id>/supprimer/", phone.visit_delete, name="visit_delete"),
    path("deplacements/<uuid:public_id>/notes/", phone.visit_notes, name="visit_notes"),
    path("deplacements/<uuid:public_id>/activites/", phone.activity_add, name="activity_add"),
    path("activites/<uuid:public_id>/", phone.activity_detail, name="activity_detail"),
    path("activites/<uuid:public_id>/modifier/", phone.activity_update, name="activity_update"),
    path("activites/<uuid:public_id>/supprimer/", phone.activity_delete, name="activity_delete"),
    path("activites/<uuid:public_id>/recherche/", phone.participant_search, name="participant_search"),
    path("activites/<uuid:public_id>/participants/", phone.participant_add, name="participant_add"),
    path("activites/<uuid:public_id>/feuille/", phone.participants_fragment, name="participant_list"),
    path("activites/<uuid:public_id>/emargement/", signin.activity_signin, name="activity_signin"),
    path("activites/<uuid:public_id>/qr.svg", signin.activity_qr, name="activity_qr"),
    path("activites/<uuid:public_id>/emargement.pdf", signin.activity_sheet_pdf, name="activity_sheet_pdf"),
    path("participations/<uuid:public_id>/resultat/", phone.outcome_record, name="outcome_record"),
    path("participations/<uuid:public_id>/supprimer/", phone.participant_delete, name="participant_delete"),
    path("participations/<uuid:public_id>/rattacher/", phone.walkin_match, name="walkin_match"),
    path("participations/<uuid:public_id>/historique/", phone.participation_history, name="participation_history"),
    path("participations/<uuid:public_id>/suivi-fait/", phone.followup_close, name="followup_close"),
    path("suivis/", phone.followup_list, name="followup_list"),
    path("mes-activites/", lists.my_activities, name="my_activities"),
    path("equipe/", lists.team_activities, name="team_activities"),
    path("export.<str:fmt>", lists.activities_export, name="activities_export"),
    path("themes/", phone.topic_list, name="topic_list"),
    # Public: agents sign in on a workshop sheet from their own phone, without an account.
    path("e/<str:token>/", signin.public_signin, name="public_signin"),
]
