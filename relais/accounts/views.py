from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Login; a logged-in user coming back to it is sent home rather than shown the form again."""

    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logout (POST only, as Django requires), then back to the login page with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "Vous êtes déconnecté de Relais.")
        return response
