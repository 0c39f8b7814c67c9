"""``coprod-engine``: every engine algorithm on files, for researchers.

Each algorithm family contributes its sub-command through a ``register`` function in its
own ``cli`` module; they are listed explicitly here so the command tree is easy to read.
Heavy imports happen inside each handler, so ``coprod-engine --help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from coprod_engine import __version__
from coprod_engine.budgeting import cli as budgeting_cli
from coprod_engine.exceptions import EngineError
from coprod_engine.grouping import cli as grouping_cli
from coprod_engine.opinion import cli as opinion_cli
from coprod_engine.pairwise import cli as pairwise_cli
from coprod_engine.sortition import cli as sortition_cli

FAMILIES: tuple[ModuleType, ...] = (
    opinion_cli,
    pairwise_cli,
    budgeting_cli,
    sortition_cli,
    grouping_cli,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coprod-engine",
        description="Coprod's participation algorithms, on your own files.",
    )
    parser.add_argument("--version", action="version", version=f"coprod-engine {__version__}")
    commands = parser.add_subparsers(dest="family", required=True, metavar="COMMAND")
    for family in FAMILIES:
        family.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except EngineError as error:
        print(f"coprod-engine: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
