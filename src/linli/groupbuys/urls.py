from django.urls import path

from .views import leader, member, supplier

urlpatterns = [
    # Members
    path("group-buys/<int:group_buy_id>/", member.group_buy, name="group-buy"),
    path("orders/", member.my_orders, name="orders"),
    path("orders/<int:order_id>/", member.order, name="order"),
    path("orders/<int:order_id>/change", member.change_order, name="change-order"),
    path("orders/<int:order_id>/cancel", member.cancel_order, name="cancel-order"),
    # Leaders
    path("lead/", leader.communities, name="lead"),
    path("lead/communities/<int:community_id>/new", leader.open_group_buy, name="lead-open"),
    path(
        "lead/communities/<int:community_id>/households",
        leader.households,
        name="lead-households",
    ),
    path("lead/group-buys/<int:group_buy_id>/", leader.group_buy, name="lead-group-buy"),
    path("lead/group-buys/<int:group_buy_id>/tally", leader.tally, name="lead-tally"),
    path("lead/group-buys/<int:group_buy_id>/close", leader.close, name="lead-close"),
    path(
        "lead/group-buys/<int:group_buy_id>/buildings/<int:building_id>/",
        leader.building,
        name="lead-building",
    ),
    path("lead/group-buys/<int:group_buy_id>/handout", leader.handout, name="lead-handout"),
    # Suppliers
    path("supply/", supplier.overview, name="supply"),
    path(
        "supply/purchase-orders/<int:purchase_order_id>/",
        supplier.purchase_order,
        name="purchase-order",
    ),
]
