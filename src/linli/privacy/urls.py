from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.home, name="home"),
    path("notice/", views.notice, name="notice"),
    path("copies/", views.ask_copy, name="ask_copy"),
    path("copies/<int:copy_id>/download/", views.take_copy, name="take_copy"),
    path("correct/", views.correct, name="correct"),
    path("move/", views.move, name="move"),
    path("consents/<str:purpose>/", views.consent, name="consent"),
    path("close/", views.close, name="close"),
    path("leader/", views.leader, name="leader"),
    path("leader/room-changes/<int:change_id>/", views.decide, name="decide"),
    path("leader/contacts/<int:community_id>.xlsx", views.export_contacts, name="contacts"),
]
