from django.urls import path, register_converter

from coprod.processes import views


class _Kind:
    """A path segment naming one kind of object, so an unknown kind is a 404, not an error."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ContributionKind(_Kind):
    regex = "need|idea"


class ModeratedKind(_Kind):
    regex = "need|idea|comment"


class ChainKind(_Kind):
    regex = "need|idea|item|action|indicator"


register_converter(ContributionKind, "contribution")
register_converter(ModeratedKind, "moderated")
register_converter(ChainKind, "chainkind")

app_name = "processes"

urlpatterns = [
    path("", views.home, name="home"),
    path("processes/new/", views.process_create, name="create"),
    path("p/<slug:slug>/", views.process_detail, name="detail"),
    path("p/<slug:slug>/edit/", views.process_edit, name="edit"),
    path("p/<slug:slug>/phases/new/", views.phase_edit, name="phase_create"),
    path("p/<slug:slug>/phases/<int:phase_id>/edit/", views.phase_edit, name="phase_edit"),
    path("p/<slug:slug>/join/", views.process_join, name="join"),
    path("p/<slug:slug>/needs/new/", views.need_create, name="need_create"),
    path("p/<slug:slug>/needs/<int:pk>/review/", views.need_review, name="need_review"),
    path("p/<slug:slug>/ideas/new/", views.idea_create, name="idea_create"),
    path("p/<slug:slug>/decisions/new/", views.decision_create, name="decision_create"),
    path("p/<slug:slug>/actions/new/", views.action_create, name="action_create"),
    path("p/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action"),
    path("p/<slug:slug>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("p/<slug:slug>/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("p/<slug:slug>/chain/<chainkind:kind>/<int:pk>/", views.chain, name="chain"),
    path("p/<slug:slug>/hide/<moderated:kind>/<int:pk>/", views.contribution_hide, name="hide"),
    path(
        "p/<slug:slug>/<contribution:kind>/<int:pk>/",
        views.contribution_detail,
        name="contribution",
    ),
    path(
        "p/<slug:slug>/<contribution:kind>/<int:pk>/comments/",
        views.comment_create,
        name="comment_create",
    ),
]
