"""Which documents a project audit covers, and how they pair.

Two ways to name a project:

- ``--source-dir en --target-dir ja``: files pair by their path relative to each folder
  (``en/guide/install.md`` with ``ja/guide/install.md``). A target without a source is audited
  target-only; a source without a target is a missing translation. Bilingual files (XLIFF, TMX,
  PO, TSV, JSONL) in the target folder hold both sides and are audited as they are.
- one or more targets (files, folders, globs): every file found is audited target-only (or,
  bilingual, as it is).

``include`` and ``exclude`` are glob patterns on the relative path (``**/*.md``); by default every
file whose suffix a reader knows is taken, and hidden files and folders are skipped. Documents
come in a stable order (sorted relative paths), so the report's order does not depend on the file
system.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from audit.errors import UsageError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
BILINGUAL_SUFFIXES = frozenset({".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".tmx", ".po", ".pot", ".tsv", ".jsonl", ".ndjson"})
SUFFIXES = TEXT_SUFFIXES | BILINGUAL_SUFFIXES


@dataclass(frozen=True)
class Job:
    """One document to audit: its key (relative path, as reports and baselines name it)."""

    key: str
    target: str
    source: str | None = None

    @property
    def bilingual(self) -> bool:
        return Path(self.target).suffix.lower() in BILINGUAL_SUFFIXES


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...]
    missing: tuple[str, ...] = ()  # sources with no translation (relative paths)
    source_dir: str | None = None
    target_dir: str | None = None
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        return {
            "source_dir": self.source_dir,
            "target_dir": self.target_dir,
            "include": list(self.patterns.get("include", ())),
            "exclude": list(self.patterns.get("exclude", ())),
            "documents": len(self.jobs),
            "missing_translations": list(self.missing),
        }


def _selected(rel: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    path = PurePosixPath(rel)
    if any(part.startswith(".") for part in path.parts):
        return False

    def matches(pattern: str) -> bool:
        return fnmatch(rel, pattern) or path.match(pattern) or (pattern.startswith("**/") and fnmatch(rel, pattern[3:]))

    if include and not any(matches(p) for p in include):
        return False
    if not include and path.suffix.lower() not in SUFFIXES:
        return False
    return not any(matches(p) for p in exclude)


def _files(folder: Path, include: Sequence[str], exclude: Sequence[str]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            p = Path(root) / name
            rel = p.relative_to(folder).as_posix()
            if _selected(rel, include, exclude):
                out[rel] = p
    return dict(sorted(out.items()))


def from_dirs(source_dir: str, target_dir: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Plan:
    """Pair ``source_dir`` and ``target_dir`` by relative path."""
    src, tgt = Path(source_dir), Path(target_dir)
    for what, folder in (("--source-dir", src), ("--target-dir", tgt)):
        if not folder.is_dir():
            raise UsageError(f"{what} {folder}: not a folder")
    sources = _files(src, include, exclude)
    targets = _files(tgt, include, exclude)
    jobs = []
    for rel, path in targets.items():
        paired = sources.get(rel)
        bilingual = path.suffix.lower() in BILINGUAL_SUFFIXES
        jobs.append(Job(rel, str(path), None if bilingual or paired is None else str(paired)))
    missing = tuple(rel for rel in sources if rel not in targets and Path(rel).suffix.lower() not in BILINGUAL_SUFFIXES)
    if not jobs and not missing:
        raise UsageError(f"no documents found under {target_dir} (see --include / --exclude)")
    return Plan(tuple(jobs), missing, str(src), str(tgt), {"include": tuple(include), "exclude": tuple(exclude)})


def from_targets(targets: Iterable[str], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Plan:
    """Every file among ``targets`` (files, folders, globs), each audited on its own."""
    jobs: dict[str, Job] = {}
    for spec in targets:
        # a file that exists is itself, even when its name holds glob characters (report[1].txt)
        matched = sorted(glob.glob(spec, recursive=True)) if glob.has_magic(spec) and not os.path.exists(spec) else [spec]
        if not matched:
            raise UsageError(f"{spec}: no file matches")
        for item in matched:
            p = Path(item)
            if p.is_dir():
                found = _files(p, include, exclude)
                if not found:
                    raise UsageError(f"{p}: a directory with no document to audit (text, Markdown or bilingual files; see --include)")
                for rel, path in found.items():
                    key = (p / rel).as_posix()
                    jobs.setdefault(key, Job(key, str(path)))
            elif p.exists() or not glob.has_magic(spec):
                key = p.as_posix()
                if not exclude or not any(fnmatch(key, pat) for pat in exclude):
                    jobs.setdefault(key, Job(key, str(p)))
    if not jobs:
        raise UsageError("no documents to audit (see --include / --exclude)")
    return Plan(tuple(jobs.values()), patterns={"include": tuple(include), "exclude": tuple(exclude)})
