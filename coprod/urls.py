from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [path("i18n/", include("django.conf.urls.i18n"))]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("coprod.accounts.urls")),
    path("", include("coprod.processes.urls")),
    path("", include("coprod.opinions.urls")),
    path("", include("coprod.budgets.urls")),
    path("", include("coprod.wikisurveys.urls")),
    path("", include("coprod.workshops.urls")),
    path("", include("coprod.panels.urls")),
)
