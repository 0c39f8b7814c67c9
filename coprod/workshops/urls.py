from django.urls import path

from coprod.workshops import views

app_name = "workshops"
urlpatterns = [
    path(
        "p/<slug:slug>/phases/<int:phase_id>/workshops/new/", views.workshop_create, name="create"
    ),
    path("atelier/<int:pk>/", views.workshop_detail, name="workshop"),
    path("atelier/<int:pk>/register/", views.register, name="register"),
    path("atelier/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("atelier/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("atelier/<int:pk>/check-in/", views.check_in, name="check_in"),
    path(
        "atelier/<int:pk>/check-in/<int:registration_id>/",
        views.check_in_toggle,
        name="check_in_toggle",
    ),
    path("atelier/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("atelier/<int:pk>/rounds/", views.rounds, name="rounds"),
    path("atelier/<int:pk>/rounds/<int:number>/reseat/", views.reseat, name="reseat"),
    path("atelier/<int:pk>/rounds/<int:number>/print/", views.print_round, name="print"),
    path("atelier/<int:pk>/tables/<int:table_id>/", views.table_detail, name="table"),
    path("atelier/<int:pk>/tables/<int:table_id>/note-taker/", views.note_taker, name="note_taker"),
    path("atelier/<int:pk>/results/", views.results, name="results"),
]
