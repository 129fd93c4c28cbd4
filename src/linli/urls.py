from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from linli.api import api
from linli.web.views.home import SignIn

admin.site.site_header = "邻里 Linli"
admin.site.site_title = "邻里 Linli"

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("login/", SignIn.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("money/", include("linli.ledger.urls")),
    path("", include("linli.jielong.urls")),
    path("", include("linli.aftersales.urls")),
    path("", include("linli.groupbuys.urls")),
    path("", include("linli.web.urls")),
]
