from django.urls import path

from . import views

app_name = "storefronts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:supplier_id>/", views.storefront, name="storefront"),
    path("<int:supplier_id>/edit/", views.edit, name="edit"),
    path("photos/<int:photo_id>", views.photo, name="photo"),
    path("orders/<int:order_id>/", views.order_stories, name="order"),
    path("presales/", views.presales, name="presales"),
    path("help-sell/", views.help_sell, name="help_sell"),
]
