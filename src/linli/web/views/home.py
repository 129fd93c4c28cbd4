"""The front door, sign-in and the health check."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from linli.accounts.auth import password_throttle
from linli.accounts.roles import roles
from linli.pages.registry import tiles_for


def home(request):
    """One page after sign-in with every service this person may use, as tiles that the apps
    declare (``linli.pages.registry``)."""
    who = roles(request.user)
    return render(request, "web/home.html", {"roles": who, "tiles": tiles_for(request, who)})


class SignIn(auth_views.LoginView):
    """The sign-in page, under the same password throttle as ``POST /api/auth/token``."""

    def post(self, request, *args, **kwargs):
        if not password_throttle().allow_request(request):
            # Refused before the password is even checked; the username typed stays.
            form = self.form_class(request, initial={"username": request.POST.get("username")})
            context = self.get_context_data(
                form=form, general=[_("Too many attempts; wait a minute and try again.")]
            )
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Signed in: the pages speak the language this person chose on another device (it
        is remembered on their account), unless this browser has chosen one itself."""
        response = super().form_valid(form)
        chosen = form.get_user().language
        if (
            chosen != settings.LANGUAGE_CODE
            and settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
