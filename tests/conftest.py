from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SHARED = ROOT.parent / "shared"


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run the CLI in-process from an empty folder (no stray config is found)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _private_homes(monkeypatch, tmp_path_factory):
    """No test sees the user's models, caches or Argos packages, and none writes to HOME."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AUDIT_HOME", str(home / "audit"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos-packages"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf" / "hub"))
    for var in ("AUDIT_BACKTRANSLATE", "AUDIT_COMET", "AUDIT_EMBEDDER", "AUDIT_ALLOW_DOWNLOADS"):
        monkeypatch.delenv(var, raising=False)
    # Rule tests judge every finding a rule makes; the confidence threshold that reports list
    # findings at is tested on its own (tests/test_confidence.py unsets this).
    monkeypatch.setenv("AUDIT_MIN_CONFIDENCE", "0")
    return home


@pytest.fixture(scope="session")
def comet_models(tmp_path_factory) -> dict[str, Path]:
    """Tiny real COMET checkpoints: a reference-based and a reference-free (QE) one."""
    pytest.importorskip("comet", reason="the COMET tests need the extra: pip install torch && pip install -e '.[comet]'")
    from kit import build_comet_checkpoint

    work = tmp_path_factory.mktemp("comet")
    return {
        "ref": build_comet_checkpoint(work / "ref", kind="regression_metric"),
        "qe": build_comet_checkpoint(work / "qe", kind="referenceless_regression_metric"),
    }


@pytest.fixture(scope="session")
def argos_package(tmp_path_factory) -> Path:
    """A tiny real ja→en Argos package (.argosmodel), built once per session."""
    pytest.importorskip("ctranslate2")
    from kit import build_argos_package

    return build_argos_package(tmp_path_factory.mktemp("argos"), eos_bias=0.0)


@pytest.fixture(scope="session")
def warm_audit(tmp_path_factory):
    """Import what an audit imports (both modes, every renderer) before pytester snapshots
    sys.modules: in-process runs restore the snapshot afterwards, and C extensions such as numpy
    cannot be loaded twice in one process."""
    from audit.pipeline import AuditRequest, run_audit
    from audit.render import FORMATS, render

    folder = tmp_path_factory.mktemp("warm")
    ja, en = folder / "w.ja", folder / "w.en"
    ja.write_text("両国の閣僚は貿易について議論した。\n予算は月曜日に承認された。\n", encoding="utf-8")
    en.write_text("The ministers of both countries discussed trade.\nThe budget was approved on Monday.\n", encoding="utf-8")
    for request in (AuditRequest(str(ja)), AuditRequest(str(ja), source=str(en))):
        report = run_audit(request)
        for fmt in FORMATS:
            render(report, fmt)
