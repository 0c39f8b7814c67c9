from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WikisurveysConfig(AppConfig):
    name = "coprod.wikisurveys"
    label = "wikisurveys"
    verbose_name = _("Wiki surveys")
