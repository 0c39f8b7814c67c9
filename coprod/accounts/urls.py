from django.urls import path

from coprod.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("privacy/", views.privacy, name="privacy"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
]
