"""V11 decryption and V12 results: partial decryptions, Lagrange recombination, and the scheme reading.

The published totals are accepted only if T·G equals the Lagrange combination of proved partial
decryptions (threshold §5) and lies in the entry's range; the results and scores are then recomputed
from those totals with the scheme's reading (docs/ballot-schemes.md).
"""

from __future__ import annotations

from typing import Any

from verifier.encoding import EncodingError
from verifier.group import IDENTITY, base_mul, decode_point
from verifier.ranking import GroupResult, format_fraction
from verifier.report import Report
from verifier.schemes import Layout
from verifier.threshold import Ceremony, combine, discrete_log, lagrange_coefficients, verify_partial

__all__ = ["check_decryption", "check_results", "partial_label"]


def partial_label(trustee: int, group: str, entry: int) -> str:
    """Label of a partial-decryption proof: threshold §4's prefix around election-record §7's entry label."""
    return f"trustee-{trustee}/partial-decryption/tally/{group}/{entry}"


def _partials(decryption: list[dict[str, Any]]) -> list[tuple[int, list[Any], list[Any]]]:
    """(trustee index, shares, proofs) of every present trustee (docs/election-record.md §7)."""
    return [(p["trustee"], p["shares"], p["proofs"]) for p in decryption]


def _decode_tally(entry: dict[str, Any], counted: int, where: str, report: Report) -> list[tuple[bytes, bytes]] | None:
    cts: list[tuple[bytes, bytes]] = []
    for e, (a_text, b_text) in enumerate(entry["encrypted_tally"]):
        try:
            alpha = decode_point(a_text, allow_identity=True)
            beta = decode_point(b_text, allow_identity=True)
        except EncodingError as exc:
            report.fail("V11", f"{where}: encrypted_tally[{e}]: {exc}")
            return None
        has_identity = IDENTITY in (alpha, beta)
        if counted == 0 and (alpha, beta) != (IDENTITY, IDENTITY):
            report.fail("V11", f"{where}: encrypted_tally[{e}] of a group with no counted ballot is not (O, O)")
            return None
        if counted > 0 and has_identity:
            report.fail("V11", f"{where}: encrypted_tally[{e}]: identity")
            return None
        cts.append((alpha, beta))
    return cts


def check_decryption(
    stage_id: str,
    group: str,
    entry: dict[str, Any],
    counted: int,
    layout: Layout,
    ceremony: Ceremony,
    context_hash: bytes,
    report: Report,
) -> None:
    """V11 for one group: every partial decryption proof, at least k trustees, totals by Lagrange."""
    where = f"stages/{stage_id}/tally.json group {group}"
    if len(entry["encrypted_tally"]) != layout.size or len(entry["totals"]) != layout.size:
        report.fail("V11", f"{where}: encrypted_tally/totals length differs from the layout's {layout.size}")
        return
    cts = _decode_tally(entry, counted, where, report)
    if cts is None:
        return
    if not ceremony.verification_keys:
        report.fail("V11", f"{where}: no verified verification keys (ceremony failed)")
        return
    partials = _partials(entry["decryption"])
    indices = [p[0] for p in partials]
    problems = []
    if len(set(indices)) != len(indices):
        problems.append(f"{where}: a trustee appears twice (duplicate_trustee)")
    if any(i not in ceremony.verification_keys for i in indices):
        problems.append(f"{where}: trustee index outside 1..{ceremony.n} (bad_index)")
    if len(set(indices)) < ceremony.k:
        problems.append(f"{where}: {len(set(indices))} trustees, at least k = {ceremony.k} needed (too_few_trustees)")
    report.item("V11", problems)
    if problems:
        return
    alphas = [a for a, _ in cts]
    good: dict[int, list[bytes | None]] = {}
    for index, shares_json, proofs_json in partials:
        labels = [partial_label(index, group, e) for e in range(layout.size)]
        shares, errors = verify_partial(context_hash, ceremony.verification_keys[index], alphas,
                                        shares_json, proofs_json, labels)
        report.item("V11", [f"{where}: trustee {index}: {e}" for e in errors])
        good[index] = shares
    for e, ct in enumerate(cts):
        present = {i: s[e] for i, s in good.items() if s[e] is not None}
        if len(present) < ceremony.k:
            report.fail("V11", f"{where}: entry {e}: fewer than k valid partial decryptions")
            continue
        point = combine(ct, {i: s for i, s in present.items() if s is not None}, lagrange_coefficients(sorted(present)))
        total = entry["totals"][e]
        bound = counted * layout.bounds[e]
        if not 0 <= total <= bound:
            report.fail("V11", f"{where}: totals[{e}] = {total} outside [0, {bound}]")
        elif base_mul(total) != point:
            actual = discrete_log(point, bound)
            found = f"decrypts to {actual}" if actual is not None else f"decrypts to no value in [0, {bound}]"
            report.fail("V11", f"{where}: totals[{e}] = {total} but the tally {found}")
        else:
            report.ok_item("V11")


def check_results(
    stage_id: str, group: str, entry: dict[str, Any], counted: int, layout: Layout, report: Report
) -> GroupResult | None:
    """V12 for one group: results and scores recomputed from its totals and counted ballots."""
    where = f"stages/{stage_id}/tally.json group {group}"
    totals = entry["totals"]
    if len(totals) != layout.size:
        report.fail("V12", f"{where}: {len(totals)} totals, layout has {layout.size}")
        return None
    results, scores = layout.read(totals, counted)
    recorded_results, recorded_scores = entry["results"], entry["scores"]
    extra = sorted(set(recorded_results) - set(results)) + sorted(set(recorded_scores) - set(scores))
    report.item("V12", f"{where}: results or scores for unknown projects {extra}" if extra else None)
    for project in layout.projects:
        problems = []
        if recorded_results.get(project) != results[project]:
            problems.append(f"{where}: results[{project}] = {recorded_results.get(project)}, "
                            f"expected {results[project]}")
        expected = format_fraction(scores[project])
        if recorded_scores.get(project) != expected:
            problems.append(f"{where}: scores[{project}] = {recorded_scores.get(project)}, expected {expected}")
        report.item("V12", problems)
    return GroupResult(counted, scores)
