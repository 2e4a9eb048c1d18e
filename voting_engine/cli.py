"""Command-line entry point: ``voting-engine`` (also ``python -m voting_engine``).

Each subsystem registers its own sub-commands, so this module stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voting-engine",
        description="End-to-end verifiable participatory-budgeting voting engine",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run a complete three-stage election and verify its record")
    demo.add_argument("--committee", type=int, default=2200, help="committee members (default 2200)")
    demo.add_argument("--public", type=int, default=5000, help="public voters (default 5000)")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--workers", type=int, default=None, help="voter-device processes (default: all cores)")
    demo.add_argument("--out", type=Path, default=Path("out/demo-record"), help="record directory")
    demo.add_argument("--database", default=None, help="database URL (default: SQLite file beside the record)")
    demo.set_defaults(handler=_demo)
    from voting_engine.commands import admin, serve, simulate, trustee

    serve.register(sub)
    admin.register(sub)
    trustee.register(sub)
    simulate.register(sub)
    from voting_engine.sortition import cli as sortition_cli

    sortition_cli.register(sub)
    return parser


def _demo(args: argparse.Namespace) -> int:
    import asyncio
    import shutil
    import time

    from voting_engine.demo import run_demo, verify_record

    if args.out.exists():
        shutil.rmtree(args.out)
    started = time.perf_counter()
    asyncio.run(run_demo(args.out, args.committee, args.public, args.seed, args.workers, args.database))
    status = verify_record(args.out)
    print(f"Total wall time (election + verification): {time.perf_counter() - started:.1f} s")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
