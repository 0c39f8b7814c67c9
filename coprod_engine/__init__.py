"""Coprod's engine: the participation algorithms as pure Python (numpy, scipy).

Data in, data out. This package never imports Django, so researchers can run every
algorithm from the command line (``coprod-engine``) on their own files, and the web
platform stores each result with :data:`__version__` and the seed that produced it.
"""

__version__ = "0.2.0"
