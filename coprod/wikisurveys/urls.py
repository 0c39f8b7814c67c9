from django.urls import path

from coprod.wikisurveys import views

app_name = "wikisurveys"
urlpatterns = [
    path(
        "p/<slug:slug>/phases/<int:phase_id>/wikisurveys/new/", views.survey_create, name="create"
    ),
    path("w/<int:pk>/", views.survey, name="survey"),
    path("w/<int:pk>/vote/", views.vote, name="vote"),
    path("w/<int:pk>/skip/", views.skip, name="skip"),
    path("w/<int:pk>/items/", views.item_create, name="item_create"),
    path("w/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("w/<int:pk>/results/", views.results, name="results"),
    path("w/<int:pk>/carry/", views.carry, name="carry"),
]
