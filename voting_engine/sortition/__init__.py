"""Citizens' committee selection by fair, verifiable stratified sortition.

Typical use (also what an HTTP handler should call)::

    pool = pool_from_bytes(csv_bytes, id_column="id")
    quotas = quotas_from_bytes(quota_bytes, seats=2200)
    problem = build_problem(pool, quotas, 2200, [parse_reservation("220:marginalised=yes")])
    result = run_draw(problem, seed="announced seed", algorithm="maximin")
    result.report  # the public JSON report (dict); result.selected  # sorted pseudonymous ids

See docs/sortition.md for the method and the lottery procedure.
"""

from voting_engine.sortition import cli
from voting_engine.sortition.engine import ALGORITHMS, DrawResult, run_draw
from voting_engine.sortition.inputs import build_problem, parse_pool, parse_quotas, parse_reservation
from voting_engine.sortition.loader import load_pool, load_quotas, pool_from_bytes, quotas_from_bytes
from voting_engine.sortition.model import Pool, Problem, Quota, Reservation, SortitionError
from voting_engine.sortition.report import compare_reports
from voting_engine.sortition.roll import committee_roll, roll_csv

__all__ = [
    "ALGORITHMS",
    "DrawResult",
    "Pool",
    "Problem",
    "Quota",
    "Reservation",
    "SortitionError",
    "build_problem",
    "cli",
    "committee_roll",
    "compare_reports",
    "load_pool",
    "load_quotas",
    "parse_pool",
    "parse_quotas",
    "parse_reservation",
    "pool_from_bytes",
    "quotas_from_bytes",
    "roll_csv",
    "run_draw",
]
