"""``voting-engine sortition draw|verify``: select the citizens' committee and let anyone re-check it.

``draw`` writes DIR/report.json (public), DIR/panel.csv (selected ids) and DIR/roll.csv (committee
roll for credential issuance).  ``verify`` recomputes everything from the same pool file, quotas,
seats, reservations and seed, and exits 0 only if pool hash, quota table and selected ids match.
Errors print ``error [code]: message`` to stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voting_engine.sortition.engine import ALGORITHMS, DrawResult, run_draw
from voting_engine.sortition.inputs import build_problem, parse_reservation
from voting_engine.sortition.loader import load_pool, load_quotas
from voting_engine.sortition.model import Problem, SortitionError
from voting_engine.sortition.report import compare_reports
from voting_engine.sortition.roll import committee_roll, parse_roll_mapping, roll_csv

__all__ = ["register"]


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pool", required=True, help="pool CSV (pseudonymous id + feature columns)")
    parser.add_argument(
        "--quotas", required=True, help="quota CSV: feature,value,min,max or feature,value,share"
    )
    parser.add_argument("--seats", required=True, type=int, help="panel size")
    parser.add_argument("--seed", required=True, help="public seed string announced before the draw")
    parser.add_argument(
        "--id-column", default="id", help="pool column with the pseudonymous id (default: id)"
    )
    parser.add_argument(
        "--household-column",
        action="append",
        default=[],
        metavar="COL",
        help="column(s) identifying a household; at most one person per household is drawn "
        "(repeat or comma-separate to combine columns, e.g. address and postcode)",
    )
    parser.add_argument(
        "--reserved",
        action="append",
        default=[],
        metavar="N:feature=value[,feature=value]",
        help="at least N seats go to people matching any listed condition (repeatable)",
    )
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="maximin")
    parser.add_argument(
        "--samples",
        type=int,
        default=100,
        help="repetitions used to estimate the stratified baseline's probabilities",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sortition`` command with ``draw`` and ``verify`` sub-commands."""
    parser = subparsers.add_parser(
        "sortition", help="citizens' committee selection by fair stratified sortition"
    )
    commands = parser.add_subparsers(dest="sortition_command", required=True)
    draw = commands.add_parser("draw", help="draw the committee and write report, panel and roll")
    _add_inputs(draw)
    draw.add_argument("--out", required=True, help="output directory")
    draw.add_argument(
        "--roll-column",
        action="append",
        default=[],
        metavar="ROLL=POOL",
        help="map roll columns region/age_band/gender to pool columns, e.g. region=geo_bucket",
    )
    draw.set_defaults(handler=_draw)
    verify = commands.add_parser("verify", help="recompute a published draw and compare")
    _add_inputs(verify)
    verify.add_argument("--report", required=True, help="the published report.json")
    verify.set_defaults(handler=_verify)


def _problem(args: argparse.Namespace) -> Problem:
    households = [c.strip() for item in args.household_column for c in item.split(",") if c.strip()]
    pool = load_pool(args.pool, args.id_column, households)
    quotas = load_quotas(args.quotas, args.seats)
    reservations = [parse_reservation(spec) for spec in args.reserved]
    return build_problem(pool, quotas, args.seats, reservations)


def _run(args: argparse.Namespace, problem: Problem) -> DrawResult:
    if args.samples <= 0:
        raise SortitionError("samples_invalid", "--samples must be positive")
    return run_draw(problem, args.seed, args.algorithm, samples=args.samples)


def _summary(result: DrawResult) -> str:
    report = result.report
    probs = report["probabilities"]
    kind = "estimated" if probs["estimated"] else "exact"
    lines = [
        f"selected {len(report['selected'])} of {report['pool_size']} ({report['algorithm']['name']}, "
        f"{result.model.n_cells} types, {result.timings.get('total', 0.0):.1f} s)",
        f"selection probability ({kind}): min {probs['min']:.6f}  max {probs['max']:.6f}  gini {probs['gini']:.4f}",
        f"pool sha256 {report['pool_sha256']}",
    ]
    return "\n".join(lines)


def _guard(handler: Any, args: argparse.Namespace) -> int:
    try:
        result: int = handler(args)
        return result
    except SortitionError as error:
        print(f"error [{error.code}]: {error.message}", file=sys.stderr)
        return 2


def _draw(args: argparse.Namespace) -> int:
    return _guard(_draw_inner, args)


def _draw_inner(args: argparse.Namespace) -> int:
    problem = _problem(args)
    mapping = parse_roll_mapping(args.roll_column)
    result = _run(args, problem)
    roll = committee_roll(problem.pool, result.selected, mapping)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(
            json.dumps(result.report, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        (out / "panel.csv").write_text(
            "person_id\n" + "".join(f"{pid}\n" for pid in result.selected), "utf-8"
        )
        (out / "roll.csv").write_text(roll_csv(roll), "utf-8")
    except OSError as error:
        raise SortitionError("output_unwritable", f"cannot write to {str(out)!r}: {error}") from None
    print(_summary(result))
    print(f"wrote {out / 'report.json'}, {out / 'panel.csv'}, {out / 'roll.csv'}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    return _guard(_verify_inner, args)


def _verify_inner(args: argparse.Namespace) -> int:
    try:
        published = json.loads(Path(args.report).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise SortitionError("report_unreadable", f"cannot read report {args.report!r}: {error}") from None
    if not isinstance(published, dict):
        raise SortitionError("report_unreadable", "the report is not a JSON object")
    problem = _problem(args)
    result = _run(args, problem)
    differences = compare_reports(published, result.report)
    if differences:
        print("verification FAILED:", file=sys.stderr)
        for line in differences:
            print(f"  - {line}", file=sys.stderr)
        return 1
    print(f"verified: {len(result.selected)} selected ids, quota table and pool hash match the report")
    return 0
