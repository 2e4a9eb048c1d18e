"""Pabulib (http://pabulib.org) participatory-budgeting files: read, map onto engine schemes, check, export.

``parse_pb``/``load_pb`` read a ``.pb`` file; ``convert`` maps it onto a ballot scheme and plaintext
choices; ``expected`` recomputes totals and greedy selections to compare with the file's columns;
``plan`` bundles what an encrypted replay needs; ``export`` writes results as ``.pb`` again.
"""

from voting_engine.pabulib.convert import Conversion, ConversionError, VoteIssue, convert
from voting_engine.pabulib.expected import FileResults, SelectionRule, discrepancies, file_results
from voting_engine.pabulib.export import results_pb, save_results_pb
from voting_engine.pabulib.parser import (
    PabulibElection,
    PabulibError,
    PabulibProject,
    PabulibVote,
    load_pb,
    parse_pb,
)
from voting_engine.pabulib.plan import SimulationPlan, plan, plan_file

__all__ = [
    "Conversion",
    "ConversionError",
    "FileResults",
    "PabulibElection",
    "PabulibError",
    "PabulibProject",
    "PabulibVote",
    "SelectionRule",
    "SimulationPlan",
    "VoteIssue",
    "convert",
    "discrepancies",
    "file_results",
    "load_pb",
    "parse_pb",
    "plan",
    "plan_file",
    "results_pb",
    "save_results_pb",
]
