"""Where the benchmarks' data lie and how they are read: one way for every script.

``../shared/data`` beside the checkout holds WMT22 English↔Japanese (source, reference and the
systems' outputs, one segment per line; ja-en also with human DA scores) and the WMT24 ESA
development data (``esa.py`` reads its JSONL). Scripts skip when a folder is absent.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
EN_JA = SHARED / "wmt22" / "en-ja"
JA_EN = SHARED / "wmt22" / "ja-en"
ESA_EN_JA = SHARED / "wmt24-esa" / "en-ja"


def read_lines(path: Path) -> list[str]:
    """A data file's lines (UTF-8; line i is segment i)."""
    return path.read_text(encoding="utf-8").splitlines()


def outputs(folder: Path = EN_JA, ext: str = "ja") -> list[Path]:
    """The human reference, then every system's output, in name order."""
    return [folder / f"reference.{ext}", *sorted((folder / "systems").glob(f"*.{ext}"))]


def translations(folder: Path = EN_JA, ext: str = "ja") -> dict[str, list[str]]:
    """Each output's lines by name: ``"reference"`` first, then the systems in name order."""
    return {("reference" if p.stem == "reference" else p.stem): read_lines(p) for p in outputs(folder, ext)}
