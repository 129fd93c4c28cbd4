from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("group-buys/<int:group_buy_id>/", views.group_buy, name="group-buy"),
]
