"""Command-line entry point: ``voting-engine`` (also ``python -m voting_engine``).

Each subsystem registers its own sub-commands, so this module stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voting-engine",
        description="End-to-end verifiable participatory-budgeting voting engine",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    from voting_engine.sortition import cli as sortition_cli

    sortition_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
