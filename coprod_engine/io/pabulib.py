"""Read and write Pabulib ``.pb`` files, the public format for participatory-budgeting data.

A ``.pb`` file is UTF-8 text (optionally with a byte-order mark) in three sections, each
introduced by a header line and its column names: ``META`` (``key;value`` rows),
``PROJECTS`` (``project_id;cost;...``) and ``VOTES`` (``voter_id;vote[;points];...``). Fields
are separated by ``;``; list fields (``vote``, ``points``) use ``,``.

The reader returns plain arrays: the costs, and one sparse voters × projects matrix whose
values depend on the ballot type (see :class:`PabulibElection`). Everything else (the
project and voter columns, the metadata) is kept as strings so the writer can give it back.

References
----------
Faliszewski, Flis, Peters, Pierczyński, Skowron, Stolicki, Szufa, Talmon. "Participatory
Budgeting: Data, Tools, and Analysis", IJCAI 2023 (the Pabulib format);
https://pabulib.org/format.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from coprod_engine.exceptions import InputFormatError

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
REQUIRED_META = ("num_projects", "num_votes", "budget", "vote_type")
SECTIONS = ("meta", "projects", "votes")


@dataclass
class PabulibElection:
    """One participatory-budgeting election as read from a ``.pb`` file.

    Attributes
    ----------
    meta : dict[str, str]
        The ``META`` section, in file order.
    project_ids : list[str]
        Project ids in file order; column ``j`` of :attr:`ballots` is ``project_ids[j]``.
    costs : list[Fraction]
        Exact project costs (Pabulib allows a decimal comma).
    budget : Fraction
        The budget limit (``meta["budget"]``).
    vote_type : str
        One of ``approval``, ``choose-1``, ``cumulative``, ``scoring``, ``ordinal``.
    voter_ids : list[str]
        Voter ids in file order; row ``i`` of :attr:`ballots` is ``voter_ids[i]``.
    ballots : scipy.sparse.csr_array
        Voters × projects. Approval and choose-1: 1 where approved. Cumulative and scoring:
        the points. Ordinal: the rank (1 = most preferred).
    points : scipy.sparse.csr_array or None
        Ordinal ballots only, when the file has a ``points`` column: the points given.
    project_columns, voter_columns : list[str]
        Column names after the id (and, for votes, after ``vote``/``points``).
    project_rows, voter_rows : list[list[str]]
        Those extra columns' values, as strings, per project and per voter.
    """

    meta: dict[str, str]
    project_ids: list[str]
    costs: list[Fraction]
    budget: Fraction
    vote_type: str
    voter_ids: list[str]
    ballots: sparse.csr_array
    points: sparse.csr_array | None = None
    project_columns: list[str] = field(default_factory=list)
    project_rows: list[list[str]] = field(default_factory=list)
    voter_columns: list[str] = field(default_factory=list)
    voter_rows: list[list[str]] = field(default_factory=list)

    @property
    def is_approval(self) -> bool:
        return self.vote_type in ("approval", "choose-1")

    def cost_array(self) -> NDArray[np.float64]:
        """Costs as floats (exact for the integer costs of every real instance)."""
        return np.array([float(c) for c in self.costs], dtype=np.float64)


def _number(text: str, *, what: str) -> Fraction:
    try:
        return Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError) as error:
        raise InputFormatError(f"{what}: {text!r} is not a number") from error


def _sections(text: str) -> dict[str, list[list[str]]]:
    """Split the file into its three sections; each starts with its column-header row."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if len(row) == 1 and name in SECTIONS:
            if name in found:
                raise InputFormatError(f"section {name.upper()} appears twice")
            current = found[name] = []
            continue
        if current is None:
            raise InputFormatError("a .pb file starts with a META section")
        current.append([cell.strip() for cell in row])
    for name in SECTIONS:
        if name not in found or not found[name]:
            raise InputFormatError(f"section {name.upper()} is missing or has no header")
    return found


def parse_pabulib(text: str) -> PabulibElection:
    """Parse the text of a ``.pb`` file.

    Raises
    ------
    InputFormatError
        On a missing section or required meta key, an unknown vote type, a non-numeric cost,
        a vote for an unknown project, or ``points`` not parallel to ``vote``.
    """
    text = text.removeprefix("\ufeff")
    sections = _sections(text)
    meta = {row[0]: row[1] if len(row) > 1 else "" for row in sections["meta"][1:]}
    for key in REQUIRED_META:
        if key not in meta:
            raise InputFormatError(f"META lacks the required key {key!r}")
    vote_type = meta["vote_type"].strip().lower()
    if vote_type not in VOTE_TYPES:
        raise InputFormatError(f"unknown vote_type {vote_type!r}")
    budget = _number(meta["budget"], what="budget")

    header, *rows = sections["projects"]
    if "cost" not in header:
        raise InputFormatError("PROJECTS lacks a cost column")
    cost_at = header.index("cost")
    extra = [i for i in range(1, len(header)) if i != cost_at]
    project_ids: list[str] = []
    costs: list[Fraction] = []
    project_rows: list[list[str]] = []
    for row in rows:
        if len(row) <= cost_at:
            raise InputFormatError(f"project row {row!r} has no cost")
        project_ids.append(row[0])
        costs.append(_number(row[cost_at], what=f"cost of project {row[0]}"))
        project_rows.append([row[i] if i < len(row) else "" for i in extra])
    column = {pid: j for j, pid in enumerate(project_ids)}
    if len(column) != len(project_ids):
        raise InputFormatError("PROJECTS has a duplicate project_id")

    header_v, *rows_v = sections["votes"]
    if "vote" not in header_v:
        raise InputFormatError("VOTES lacks a vote column")
    vote_at = header_v.index("vote")
    points_at = header_v.index("points") if "points" in header_v else None
    if vote_type in ("cumulative", "scoring") and points_at is None:
        raise InputFormatError(f"{vote_type} ballots need a points column")
    skip = {0, vote_at} | ({points_at} if points_at is not None else set())
    extra_v = [i for i in range(len(header_v)) if i not in skip]
    voter_ids: list[str] = []
    voter_rows: list[list[str]] = []
    indptr = [0]
    indices: list[int] = []
    values: list[Fraction] = []
    ranks: list[int] = []
    for row in rows_v:
        voter_ids.append(row[0])
        voter_rows.append([row[i] if i < len(row) else "" for i in extra_v])
        cell = row[vote_at] if vote_at < len(row) else ""
        chosen = [pid.strip() for pid in cell.split(",") if pid.strip()]
        try:
            cols = [column[pid] for pid in chosen]
        except KeyError as error:
            raise InputFormatError(
                f"voter {row[0]} votes for unknown project {error.args[0]!r}"
            ) from None
        if len(set(cols)) != len(cols):
            raise InputFormatError(f"voter {row[0]} names a project twice")
        given: list[Fraction] = []
        if points_at is not None:
            cell = row[points_at] if points_at < len(row) else ""
            given = [_number(x, what=f"points of voter {row[0]}") for x in cell.split(",") if x]
            if len(given) != len(cols):
                raise InputFormatError(f"voter {row[0]}: points are not parallel to vote")
        indices.extend(cols)
        ranks.extend(range(1, len(cols) + 1))
        values.extend(given)
        indptr.append(len(indices))

    shape = (len(voter_ids), len(project_ids))

    def matrix(data: list[int] | list[Fraction] | list[float]) -> sparse.csr_array:
        return sparse.csr_array(
            (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
            shape=shape,
        )

    points = None
    if vote_type in ("approval", "choose-1"):
        ballots = matrix([1] * len(indices))
    elif vote_type in ("cumulative", "scoring"):
        ballots = matrix([float(v) for v in values])
    else:
        ballots = matrix(ranks)
        if points_at is not None:
            points = matrix([float(v) for v in values])
    return PabulibElection(
        meta=meta,
        project_ids=project_ids,
        costs=costs,
        budget=budget,
        vote_type=vote_type,
        voter_ids=voter_ids,
        ballots=ballots,
        points=points,
        project_columns=[header[i] for i in extra],
        project_rows=project_rows,
        voter_columns=[header_v[i] for i in extra_v],
        voter_rows=voter_rows,
    )


def read_pabulib(path: str | Path) -> PabulibElection:
    """Read a ``.pb`` file (UTF-8, with or without a BOM); see :func:`parse_pabulib`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFormatError(f"{path}: not UTF-8 text") from error
    return parse_pabulib(text)


def _plain(number: Fraction | float) -> str:
    value = Fraction(number)
    if value.denominator == 1:
        return str(value.numerator)
    return repr(float(value))


def format_pabulib(election: PabulibElection) -> str:
    """The ``.pb`` text of ``election``; :func:`parse_pabulib` reads it back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *election.project_columns])
    for pid, cost, extra in zip(
        election.project_ids, election.costs, election.project_rows, strict=True
    ):
        writer.writerow([pid, _plain(cost), *extra])
    writer.writerow(["VOTES"])
    has_points = election.vote_type in ("cumulative", "scoring") or election.points is not None
    writer.writerow(
        ["voter_id", "vote", *(["points"] if has_points else []), *election.voter_columns]
    )
    ballots = election.ballots
    for i, (vid, extra) in enumerate(zip(election.voter_ids, election.voter_rows, strict=True)):
        cols = ballots.indices[ballots.indptr[i] : ballots.indptr[i + 1]]
        data = ballots.data[ballots.indptr[i] : ballots.indptr[i + 1]]
        if election.vote_type == "ordinal":
            order = np.argsort(data, kind="stable")
            cols, data = cols[order], data[order]
        vote = ",".join(election.project_ids[j] for j in cols)
        row = [vid, vote]
        if election.vote_type in ("cumulative", "scoring"):
            row.append(",".join(_plain(v) for v in data))
        elif election.points is not None:
            pts = election.points
            lookup = dict(
                zip(
                    pts.indices[pts.indptr[i] : pts.indptr[i + 1]],
                    pts.data[pts.indptr[i] : pts.indptr[i + 1]],
                    strict=True,
                )
            )
            row.append(",".join(_plain(lookup[j]) for j in cols))
        writer.writerow([*row, *extra])
    return out.getvalue()


def write_pabulib(election: PabulibElection, path: str | Path) -> None:
    """Write ``election`` as a ``.pb`` file (UTF-8, no BOM)."""
    Path(path).write_text(format_pabulib(election), encoding="utf-8")
