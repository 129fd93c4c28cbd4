from django.urls import path

from . import views

app_name = "rewards"
urlpatterns = [
    path("", views.points, name="points"),
    path("energy/", views.energy, name="energy"),
    path("forest/", views.forest, name="forest"),
    path("model/", views.model, name="model"),
    path("manage/", views.manage, name="manage"),
    path("trees/<str:code>/certificate.pdf", views.certificate, name="certificate"),
]
