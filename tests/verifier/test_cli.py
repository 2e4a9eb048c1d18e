"""Command-line behaviour: exit codes, usage errors, unreadable records, the module entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verifier.cli import main
from verifier.report import Report

from .record_tools import copy_record


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["x", "--workers", "0"]) == 2
    assert main(["x", "--bogus"]) == 2


def test_not_a_record_exits_2(tmp_path: Path) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert main([str(tmp_path)]) == 2  # a directory without record.json
    (tmp_path / "record.json").write_text("{not json", encoding="utf-8")
    assert main([str(tmp_path)]) == 2


def test_failure_exits_1_and_json_names_the_check(honest_record: Path, tmp_path: Path) -> None:
    record = copy_record(honest_record, tmp_path / "r")
    (record / "results.json").write_text('{"stages": {}}', encoding="utf-8")
    out = tmp_path / "report.json"
    assert main([str(record), "--workers", "1", "--json", str(out)]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["ok"] is False
    v1 = next(c for c in data["checks"] if c["id"] == "V1")
    assert v1["failed"] >= 1 and any("results.json" in f for f in v1["failures"])


def test_missing_file_is_reported(honest_record: Path, tmp_path: Path) -> None:
    record = copy_record(honest_record, tmp_path / "r")
    (record / "rolls.json").unlink()
    assert main([str(record), "--workers", "1"]) == 1


def test_python_dash_m(honest_record: Path, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "verifier", str(honest_record), "--workers", "1", "--progress"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: the record verifies" in result.stdout
    assert "ballots [" in result.stderr  # the progress line


def test_report_print_limits_messages() -> None:
    report = Report()
    for i in range(30):
        report.fail("V7", f"problem {i}")
    assert report.results["V7"].failed == 30 and len(report.results["V7"].failures) == 20
    assert report.failed_ids == ["V7"]
