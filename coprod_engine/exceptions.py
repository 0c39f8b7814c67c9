"""Errors the engine raises; the web layer turns them into translated messages."""


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class InputFormatError(EngineError):
    """An input file or array does not have the expected shape or format."""


class Infeasible(EngineError):
    """The constraints (quotas, table rules, budget limits) admit no solution.

    ``report`` carries a structured explanation: which constraints conflict and the
    smallest relaxation found, so a facilitator can act on it.
    """

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report
