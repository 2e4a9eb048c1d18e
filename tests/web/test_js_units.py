"""The web client's own JavaScript unit tests (web/test/web/: messages in both languages, the
ballot widgets' choice JSON), run with Node's test runner."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.web.harness import WEB

pytestmark = pytest.mark.xdist_group("web")


def test_node_unit_tests(web_dist: object) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to build and test the web client (web/): install Node 20", pytrace=False)
    result = subprocess.run([node, "--test", "test/web/"], cwd=WEB, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
