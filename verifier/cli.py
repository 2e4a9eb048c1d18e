"""Command line: ``verify-election RECORD_DIR`` / ``python -m verifier RECORD_DIR``.

Exit status 0 means every check V1–V15 passed, 1 that at least one failed, 2 a usage error or a
directory that is not a readable record — so scripts can tell "the election is wrong" from "the
verifier could not look".
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from verifier.parallel import default_workers
from verifier.verify import RecordUnreadable, verify_record

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verify-election",
        description="Independently verify a pbvote election record (checks V1–V15 of docs/election-record.md).",
    )
    parser.add_argument("record", type=Path, metavar="RECORD_DIR", help="directory of the election record")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write a machine-readable report to FILE")
    parser.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help="worker processes for per-ballot checks (default: all CPU cores; 1 = in-process)")
    parser.add_argument("--progress", action="store_true", help="show a progress line even if stderr is not a TTY")
    parser.add_argument("--failures", type=int, default=5, metavar="N", help="failure messages shown per check")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    if args.workers < 1:
        parser.print_usage(sys.stderr)
        sys.stderr.write("verify-election: error: --workers must be at least 1\n")
        return 2
    progress = bool(args.progress or sys.stderr.isatty())
    try:
        report = verify_record(args.record, workers=args.workers, progress=progress)
    except RecordUnreadable as exc:
        sys.stderr.write(f"verify-election: {exc}\n")
        return 2
    except Exception as exc:  # a record that breaks the verifier is not a verified record
        sys.stderr.write(f"verify-election: internal error while verifying ({type(exc).__name__}: {exc}); "
                         "the record is NOT verified\n")
        return 1
    report.print(sys.stdout, shown=args.failures)
    if args.json is not None:
        try:
            report.write_json(args.json)
        except OSError as exc:
            sys.stderr.write(f"verify-election: cannot write {args.json}: {exc.strerror or exc}\n")
            return 2
    return 0 if report.ok else 1
