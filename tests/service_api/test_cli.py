"""The CLI against a real ``voting-engine serve`` process: tokens, election file, trustees, registrar."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voting_engine.http.server import free_port

pytestmark = pytest.mark.xdist_group("http")
ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "voting_engine", *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.strip()


def test_cli_end_to_end(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "voting_engine", "serve", "--database", db, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):  # wait until the server has created its schema and answers
            try:
                cli("admin", "status", "x", "--server", url, "--token", "none")
            except AssertionError as exc:
                if "not_found" in str(exc):
                    break
            time.sleep(0.1)
        admin = cli("admin", "token", "--database", db, "--role", "admin", "--name", "office")
        registrar = cli("admin", "token", "--database", db, "--role", "registrar", "--name", "registrar")
        trustees = [cli("admin", "token", "--database", db, "--role", "trustee", "--name", f"t{i}",
                        "--trustee-index", str(i)) for i in range(1, 6)]
        created = cli("admin", "create", "examples/election.yaml", "--server", url, "--token", admin)
        assert "gyeonggi-pb-2026" in created
        for step in ("init", "shares", "finalize"):
            for i in range(1, 6):
                cli("trustee", step, "gyeonggi-pb-2026", "--index", str(i), "--vault", str(tmp_path / f"t{i}.vault"),
                    "--server", url, env={"PBVOTE_TRUSTEE_TOKEN": trustees[i - 1],
                                          "PBVOTE_VAULT_PASSPHRASE": f"passphrase {i}",
                                          "PBVOTE_VAULT_KDF": "interactive"})
        assert (tmp_path / "t1.vault").stat().st_mode & 0o777 == 0o600
        status = cli("admin", "status", "gyeonggi-pb-2026", "--server", url, "--token", admin)
        assert '"status": "ready"' in status
        roll = tmp_path / "roll.csv"
        roll.write_text("person_id,group,region,age_band,gender\nA1,committee,Suwon,30-39,F\nA2,committee,,,\n")
        cli("credentials", "import-roll", "gyeonggi-pb-2026", str(roll), "--server", url, "--token", registrar)
        sheet = tmp_path / "sheet.pdf"
        cli("credentials", "issue", "gyeonggi-pb-2026", "--format", "pdf", "--out", str(sheet), "--server", url,
            "--token", registrar)
        assert sheet.read_bytes().startswith(b"%PDF")
        csv_out = tmp_path / "again.csv"
        cli("credentials", "reissue", "gyeonggi-pb-2026", "A1", "--format", "csv", "--out", str(csv_out),
            "--server", url, "--token", registrar)
        assert "A1" in csv_out.read_text()
        wrong = subprocess.run([sys.executable, "-m", "voting_engine", "admin", "open", "gyeonggi-pb-2026", "nope",
                                "--server", url, "--token", admin], capture_output=True, text=True, cwd=ROOT)
        assert wrong.returncode == 2 and "error [not_found]" in wrong.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
