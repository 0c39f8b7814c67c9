from django.urls import path

from coprod.budgets import views

app_name = "budgets"
urlpatterns = [
    path(
        "p/<slug:slug>/phases/<int:phase_id>/budgets/new/",
        views.budget_create,
        name="create",
    ),
    path("b/<int:pk>/", views.budget_detail, name="budget"),
    path("b/<int:pk>/ballot/", views.ballot_submit, name="ballot"),
    path("b/<int:pk>/projects/", views.projects, name="projects"),
    path("b/<int:pk>/edit/", views.budget_edit, name="edit"),
    path("b/<int:pk>/projects/<int:project_id>/", views.project_edit, name="project_edit"),
    path(
        "b/<int:pk>/projects/<int:project_id>/remove/",
        views.project_remove,
        name="project_remove",
    ),
    path("b/<int:pk>/close/", views.close, name="close"),
    path("b/<int:pk>/open/", views.reopen, name="open"),
    path("b/<int:pk>/results/", views.results, name="results"),
    path("b/<int:pk>/paper/", views.paper_ballots, name="paper"),
    path("b/<int:pk>/paper/<int:entry_id>/discard/", views.paper_discard, name="paper_discard"),
    path("b/<int:pk>/export.pb", views.export, name="export"),
    path("b/<int:pk>/actions/", views.to_actions, name="actions"),
]
