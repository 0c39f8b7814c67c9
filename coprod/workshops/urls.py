from django.urls import path

from coprod.workshops import views

app_name = "workshops"
urlpatterns = [
    path(
        "p/<slug:slug>/phases/<int:phase_id>/workshops/new/", views.workshop_create, name="create"
    ),
    path("w/<int:pk>/", views.workshop_detail, name="workshop"),
    path("w/<int:pk>/register/", views.register, name="register"),
    path("w/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("w/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("w/<int:pk>/check-in/", views.check_in, name="check_in"),
    path(
        "w/<int:pk>/check-in/<int:registration_id>/", views.check_in_toggle, name="check_in_toggle"
    ),
    path("w/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("w/<int:pk>/rounds/", views.rounds, name="rounds"),
    path("w/<int:pk>/rounds/<int:number>/reseat/", views.reseat, name="reseat"),
    path("w/<int:pk>/rounds/<int:number>/print/", views.print_round, name="print"),
    path("w/<int:pk>/tables/<int:table_id>/", views.table_detail, name="table"),
    path("w/<int:pk>/tables/<int:table_id>/note-taker/", views.note_taker, name="note_taker"),
    path("w/<int:pk>/results/", views.results, name="results"),
]
