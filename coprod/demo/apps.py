from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario across the spine and the participation methods (``demo_load``)."""

    name = "coprod.demo"
    label = "demo"
