from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from linli.api import api
from linli.web.views.home import SignIn
from linli.web.views.language import set_language

admin.site.site_header = "邻里 Linli"
admin.site.site_title = "邻里 Linli"

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("login/", SignIn.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("inbox/", include("linli.notices.urls")),
    path("money/", include("linli.ledger.urls")),
    path("", include("linli.jielong.urls")),
    path("", include("linli.aftersales.urls")),
    path("relations/", include("linli.relations.urls")),
    path("privacy/", include("linli.privacy.urls")),
    path("farms/", include("linli.storefronts.urls")),
    path("connect/", include("linli.connect.urls")),
    path("rewards/", include("linli.rewards.urls")),
    path("", include("linli.forecasts.urls")),
    path("", include("linli.groupbuys.urls")),
    path("", include("linli.web.urls")),
]
