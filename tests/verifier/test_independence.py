"""The hard rule: the verifier never imports the engine (voting_engine, ballot_schemes)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "verifier"
FORBIDDEN = ("voting_engine", "ballot_schemes")
ALLOWED_THIRD_PARTY = {"nacl"}


def _modules() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    return files


def _imported_names(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ):
            names += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_no_engine_import_in_source(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name in _imported_names(tree):
        top = name.split(".")[0]
        assert top not in FORBIDDEN, f"{path.name} imports {name}"
        assert top == "verifier" or top in ALLOWED_THIRD_PARTY or top in sys.stdlib_module_names, \
            f"{path.name} imports {name}, which is neither PyNaCl nor the standard library"


def test_no_engine_module_loaded_at_runtime(tmp_path: Path) -> None:
    """Import every verifier module in a fresh interpreter and look at sys.modules."""
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import verifier\n"
        "for m in pkgutil.walk_packages(verifier.__path__, 'verifier.'):\n"
        "    importlib.import_module(m.name)\n"
        "import verifier.cli, verifier.__main__\n"
        "print(json.dumps({'file': verifier.__file__, 'modules': sorted(sys.modules)}))\n"
    )
    # run from a neutral directory so that tests/verifier cannot shadow the package
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert Path(data["file"]).resolve().parent == PACKAGE
    loaded = [m for m in data["modules"] if m.split(".")[0] in FORBIDDEN]
    assert loaded == []
