from django.urls import path

from . import views

app_name = "relations"
urlpatterns = [
    path("", views.book, name="book"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("review/", views.review, name="review"),
    path("reminders/<int:reminder_id>/done", views.reminder_done, name="reminder_done"),
    path("calendar/", views.calendar_address, name="calendar_address"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
