from django.urls import path

from . import views

app_name = "forecasts"
urlpatterns = [
    path("usual/", views.usual, name="usual"),
    path("lead/communities/<int:community_id>/forecast/", views.community, name="community"),
    path("supply/forecast/", views.supplier, name="supplier"),
    path("forecasts/accuracy/", views.accuracy, name="accuracy"),
]
