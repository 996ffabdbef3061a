from django.urls import path

from relais.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("sso/", oidc.AuthenticateView.as_view(), name="oidc_authenticate"),
    path("sso/retour/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("double-authentification/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("double-authentification/code/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("double-authentification/codes-de-secours/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/<uidb64>/<str:token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("sessions/", views.SessionsView.as_view(), name="sessions"),
    path("sessions/<uuid:public_id>/fermer/", views.SessionEndView.as_view(), name="session_end"),
    path("sessions/fermer-les-autres/", views.SessionsEndOthersView.as_view(), name="sessions_end_others"),
    path("double-authentification/cle-d-acces/", views.PasskeyDoneView.as_view(), name="passkey_done"),
    path(
        "double-authentification/cle-d-acces/<int:pk>/retrait/",
        views.PasskeyRemoveView.as_view(),
        name="passkey_remove",
    ),
]
