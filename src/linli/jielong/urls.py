from django.urls import path

from . import views

urlpatterns = [
    path("group-buys/<int:group_buy_id>/jielong/", views.import_page, name="jielong-import"),
]
