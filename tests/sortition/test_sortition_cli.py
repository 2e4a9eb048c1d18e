"""CLI round trip: draw then verify succeeds; a tampered report or different seed fails."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from voting_engine.cli import main

from .helpers import ADDRESS_COLUMNS, CANDIDATES, FEATURES, ID_COLUMN

BASE = [
    "--pool", str(CANDIDATES), "--quotas", str(FEATURES), "--seats", "22", "--seed", "cli seed",
    "--id-column", ID_COLUMN, "--household-column", ",".join(ADDRESS_COLUMNS),
]


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("draw")
    code = main(["sortition", "draw", *BASE, "--out", str(out), "--roll-column", "region=geo_bucket",
                 "--roll-column", "age_band=age_bracket"])
    assert code == 0
    return out


def test_draw_writes_report_panel_and_roll(drawn: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads((drawn / "report.json").read_text("utf-8"))
    panel = (drawn / "panel.csv").read_text("utf-8").split()
    assert panel[0] == "person_id" and panel[1:] == report["selected"]
    with (drawn / "roll.csv").open(newline="", encoding="utf-8") as handle:
        roll = list(csv.DictReader(handle))
    assert list(roll[0]) == ["person_id", "group", "region", "age_band", "gender"]
    assert [r["person_id"] for r in roll] == report["selected"]
    assert all(r["group"] == "committee" and r["region"] and r["age_band"] and r["gender"] for r in roll)


def test_verify_round_trips(drawn: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sortition", "verify", *BASE, "--report", str(drawn / "report.json")]) == 0
    assert "verified" in capsys.readouterr().out


def test_tampered_report_fails(drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads((drawn / "report.json").read_text("utf-8"))
    report["selected"][0] = "p9999"
    tampered = tmp_path / "report.json"
    tampered.write_text(json.dumps(report), "utf-8")
    assert main(["sortition", "verify", *BASE, "--report", str(tampered)]) == 1
    assert "selected ids differ" in capsys.readouterr().err


def test_wrong_pool_hash_fails(drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads((drawn / "report.json").read_text("utf-8"))
    report["pool_sha256"] = "0" * 64
    tampered = tmp_path / "report.json"
    tampered.write_text(json.dumps(report), "utf-8")
    assert main(["sortition", "verify", *BASE, "--report", str(tampered)]) == 1
    assert "pool_sha256 differs" in capsys.readouterr().err


def test_errors_exit_2_with_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [a if a != str(FEATURES) else str(tmp_path / "missing.csv") for a in BASE]
    assert main(["sortition", "draw", *args, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error [file_unreadable]: ")
    bad = ["--reserved", "lots:Gender=Female"]
    assert main(["sortition", "draw", *BASE, *bad, "--out", str(tmp_path)]) == 2
    assert "error [reserved_invalid]" in capsys.readouterr().err
