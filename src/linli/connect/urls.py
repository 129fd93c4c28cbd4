from django.urls import path

from . import views

app_name = "connect"
urlpatterns = [
    path("", views.home, name="home"),
    path("stays/<int:stay_id>/<str:action>", views.step, name="step"),
    path("stays/<int:stay_id>/report/", views.report, name="report"),
    path("door/<str:token>/", views.door, name="door"),
    path("programmes/new/", views.programme_form, name="new_programme"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path("programmes/<int:programme_id>/edit/", views.programme_form, name="edit_programme"),
    path("programmes/<int:programme_id>/behind.xlsx", views.behind_sheet, name="behind"),
    path("insights/<int:insight_id>/", views.insight, name="insight"),
    path("photos/<int:photo_id>", views.photo, name="photo"),
    path("search/", views.find, name="search"),
]
