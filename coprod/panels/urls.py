from django.urls import path

from coprod.panels import views

app_name = "panels"
urlpatterns = [
    path("p/<slug:slug>/phases/<int:phase_id>/panels/new/", views.panel_create, name="create"),
    path("panels/<int:pk>/", views.panel_detail, name="panel"),
    path("panels/<int:pk>/volunteer/", views.volunteer, name="volunteer"),
    path("panels/<int:pk>/me/", views.mine, name="mine"),
    path("panels/<int:pk>/leave/<str:token>/", views.leave, name="leave"),
    path("panels/<int:pk>/pool/", views.pool, name="pool"),
    path(
        "panels/<int:pk>/pool/<int:volunteer_id>/withdraw/",
        views.volunteer_remove,
        name="withdraw",
    ),
    path("panels/<int:pk>/quotas/", views.quotas, name="quotas"),
    path("panels/<int:pk>/draw/", views.draw, name="draw"),
    path("panels/<int:pk>/members/<int:member_id>/", views.member_update, name="member"),
    path("panels/<int:pk>/audit/", views.audit, name="audit"),
    path("panels/<int:pk>/audit/replay.zip", views.bundle, name="bundle"),
]
