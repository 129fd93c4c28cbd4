from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all", views.read_all, name="read-all"),
    path("preferences", views.preferences, name="preferences"),
    path("<int:notice_id>/", views.notice, name="notice"),
    path("<int:notice_id>/open", views.open_notice, name="open"),
]
