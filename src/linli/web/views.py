from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from linli.access import roles


def home(request):
    """The front door. Member, leader and supplier pages come with the pages issue; for now it
    says who you are and where the API and the admin are."""
    return render(request, "web/home.html", {"roles": roles(request.user)})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
