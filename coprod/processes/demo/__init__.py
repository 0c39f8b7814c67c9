"""The demo scenario « Chaleur extrême et personnes aînées isolées », and its loader.

The scenario of the domain specification (§5), set in Mercier–Hochelaga-Maisonneuve
(Montréal), as plain data, and :func:`demo_load`, which writes it through the spine's
services. Every person, organisation name and number is made up; the institution types are
real and imply no commitment by the institutions named.

- :mod:`.people`: organisations, people, their e-mail addresses and the demo logins;
- :mod:`.process`: the process and its phases;
- :mod:`.contributions`: needs, ideas and comments;
- :mod:`.decision`: the decision and its items;
- :mod:`.actions`: the actions, their co-deliverers and updates;
- :mod:`.indicators`: the indicators and their measurements;
- :mod:`.load`: the loader (:func:`demo_load`, :func:`demo_counts`).
"""

from __future__ import annotations

from coprod.processes.demo.load import DemoSummary, demo_counts, demo_load
from coprod.processes.demo.people import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD
from coprod.processes.demo.process import PROCESS_SLUG

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "PROCESS_SLUG",
    "DemoSummary",
    "demo_counts",
    "demo_load",
]
