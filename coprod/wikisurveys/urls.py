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
    path("w/<int:pk>/edit/", views.survey_edit, name="edit"),
    path("w/<int:pk>/items/add/", views.items_add, name="items_add"),
    path("w/<int:pk>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("w/<int:pk>/close/", views.close, name="close"),
    path("w/<int:pk>/open/", views.reopen, name="open"),
    path("w/<int:pk>/paper/", views.paper_sheets, name="paper"),
    path("w/<int:pk>/paper/print/", views.paper_print, name="paper_print"),
    path("w/<int:pk>/paper/<int:number>/", views.paper_sheet, name="paper_sheet"),
]
