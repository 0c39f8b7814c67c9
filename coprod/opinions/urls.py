from django.urls import path

from coprod.opinions import views

app_name = "opinions"
urlpatterns = [
    path(
        "p/<slug:slug>/phases/<int:phase_id>/conversations/new/",
        views.conversation_create,
        name="create",
    ),
    path("c/<int:pk>/", views.conversation, name="conversation"),
    path("c/<int:pk>/vote/", views.vote, name="vote"),
    path("c/<int:pk>/statements/", views.statement_create, name="statement_create"),
    path("c/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("c/<int:pk>/results/", views.results, name="results"),
    path("c/<int:pk>/polis/import/", views.polis_import, name="polis_import"),
    path("c/<int:pk>/polis/export/", views.polis_export, name="polis_export"),
]
