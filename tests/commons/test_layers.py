"""The layers of DESIGN.md ("Layout"), as the import-linter contract in pyproject.toml states
them: a module imports only from its own layer or below, inside functions too. `make test`
runs the contract here, so no upward import can come back unnoticed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("commons", "moderation", "wiki", "comments", "notifications", "website")
CONTRACT = "Layers: each app imports only its own layer and below"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the packages in `folder`, with the contract of its pyproject.toml."""
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports, fixed arguments
        [LINT_IMPORTS, "--no-cache"],
        cwd=folder,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_app_imports_only_its_own_layer_and_below():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The same contract, on a copy of the apps given two upward imports: the kernel reaching
    the wiki, and the wiki reaching notifications from inside a function."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "commons" / "http.py").open("a") as module:
        module.write("\nimport wiki.models\n")
    with (tmp_path / "wiki" / "models.py").open("a") as module:
        module.write("\n\ndef _upward():\n    from notifications import watching\n")

    result = lint_imports(tmp_path)

    report = result.stdout + result.stderr
    assert result.returncode == 1, report
    assert f"{CONTRACT} BROKEN" in report
    assert "commons is not allowed to import wiki" in report
    assert "commons.http -> wiki.models" in report
    assert "wiki is not allowed to import notifications" in report
    assert "wiki.models -> notifications.watching" in report
