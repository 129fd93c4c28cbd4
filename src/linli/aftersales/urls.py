from django.urls import path

from . import views

app_name = "aftersales"
urlpatterns = [
    path("orders/<int:order_id>/after-sales/", views.order_after_sales, name="order"),
    path("after-sales/", views.desk, name="desk"),
    path("after-sales/<int:report_id>/", views.report, name="report"),
    path(
        "after-sales/<int:report_id>/photos/<int:position>",
        views.photo,
        name="photo",
    ),
    path("supply/after-sales/", views.supplier, name="supplier"),
]
