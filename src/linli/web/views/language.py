"""The language switch in the page header: Django's own ``set_language`` (the session's and
the cookie's language), and, for someone signed in, remembered on their account, so that
notices sent outside the pages (e-mail) are written in it too."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from linli.accounts.services import set_language as remember_language


@require_POST
def set_language(request):
    response = django_set_language(request)
    if request.user.is_authenticated:
        remember_language(user=request.user, language=request.POST.get("language", ""))
    return response
