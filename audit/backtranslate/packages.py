"""Argos Translate packages on disk: discovery, validation, safe installation and removal.

A package (``.argosmodel``) is a zip holding one folder with ``metadata.json``, a CTranslate2
model in ``model/`` and ``sentencepiece.model``. The toolkit reads packages from its own
folder (``$AUDIT_HOME/models``) and from the folder ``argostranslate`` installs into, and
installs into its own folder without trusting the archive: no absolute paths, no ``..``, no
links, bounded sizes, validated metadata, and a staging folder renamed into place only when
complete, so a failed install never leaves half a package behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from audit.errors import InputError, UsageError

INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_PACKAGE_BYTES = 4 << 30  # uncompressed
MAX_MEMBERS = 10_000
_REQUIRED_META = ("from_code", "to_code")


def audit_home() -> Path:
    """``$AUDIT_HOME``, else ``$XDG_DATA_HOME/mt-audit``, else ``~/.local/share/mt-audit``."""
    env = os.environ.get("AUDIT_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "mt-audit"


def models_dir() -> Path:
    return audit_home() / "models"


def argos_dirs() -> list[Path]:
    """Where ``argostranslate`` keeps installed packages (without importing it: its import writes to HOME)."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return [Path(env).expanduser()]
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return [base / "argos-translate" / "packages", Path.home() / ".argos-translate" / "packages"]


@dataclass(frozen=True)
class Package:
    """An installed (extracted) Argos package."""

    path: Path
    metadata: dict[str, Any]
    origin: str  # "audit" | "argos" | "path"

    @property
    def from_code(self) -> str:
        return str(self.metadata["from_code"])

    @property
    def to_code(self) -> str:
        return str(self.metadata["to_code"])

    @property
    def version(self) -> str:
        return str(self.metadata.get("package_version", "?"))

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def tokenizer_path(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def target_prefix(self) -> str:
        return str(self.metadata.get("target_prefix") or "")

    def files_for_hash(self) -> list[Path]:
        files = sorted(p for p in self.model_dir.iterdir() if p.is_file())
        return [*files, self.tokenizer_path]

    def sha256(self) -> str:
        """Hash of the model files and tokenizer (what decides the output), 1 MiB at a time."""
        h = hashlib.sha256()
        for f in self.files_for_hash():
            h.update(f.name.encode() + b"\0")
            with f.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        return h.hexdigest()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "from": self.from_code,
            "to": self.to_code,
            "version": self.version,
            "origin": self.origin,
            "path": str(self.path),
        }


def validate_metadata(meta: Any, where: str) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise InputError("metadata.json is not a JSON object", path=where)
    for key in _REQUIRED_META:
        value = meta.get(key)
        if not isinstance(value, str) or not value.isascii() or not value.replace("_", "").replace("-", "").isalnum():
            raise InputError(f"metadata.json: {key!r} missing or not a language code", path=where)
    if "package_version" in meta and not isinstance(meta["package_version"], str):
        raise InputError("metadata.json: 'package_version' is not a string", path=where)
    return meta


def load_package(path: Path, origin: str = "path") -> Package:
    """Read and validate an extracted package folder."""
    meta_path = path / "metadata.json"
    if not meta_path.is_file():
        raise InputError("not an Argos package: no metadata.json", path=str(path))
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"metadata.json unreadable: {exc}", path=str(meta_path)) from None
    validate_metadata(meta, str(meta_path))
    if not (path / "model" / "model.bin").is_file():
        raise InputError("not a CTranslate2 Argos package: no model/model.bin", path=str(path))
    if not (path / "sentencepiece.model").is_file():
        hint = "packages with a BPE tokenizer are not supported yet" if (path / "bpe.model").exists() else None
        raise InputError("Argos package has no sentencepiece.model", path=str(path), hint=hint)
    return Package(path, meta, origin)


def installed_packages() -> list[Package]:
    """Every valid package in the toolkit's folder, then in argostranslate's; invalid ones are ignored."""
    found: list[Package] = []
    seen: set[Path] = set()
    for origin, folder in [("audit", models_dir())] + [("argos", d) for d in argos_dirs()]:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.name.startswith(".") or child.resolve() in seen:
                continue
            try:
                found.append(load_package(child, origin))
                seen.add(child.resolve())
            except InputError:
                continue
    return found


def find_package(spec: str, from_code: str = "ja", to_code: str = "en") -> Package | None:
    """A package by folder path, by name (``translate-ja_en-1_1``), or by pair (``ja_en``); else None."""
    p = Path(spec).expanduser()
    if p.is_dir():
        return load_package(p)
    packages = installed_packages()
    for pkg in packages:
        if pkg.name == spec:
            return pkg
    for pkg in packages:
        if f"{pkg.from_code}_{pkg.to_code}" == spec or f"{pkg.from_code}-{pkg.to_code}" == spec:
            return pkg
    return None


def default_package(from_code: str = "ja", to_code: str = "en") -> Package | None:
    """The installed package for the pair with the highest version, the toolkit's own folder first."""
    matches = [p for p in installed_packages() if p.from_code == from_code and p.to_code == to_code]
    if not matches:
        return None
    return max(matches, key=lambda p: (p.origin == "audit", _version_key(p.version)))


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.replace("_", ".").split("."):
        parts.append(int(part) if part.isdigit() else -1)
    return tuple(parts)


def _safe_members(zf: zipfile.ZipFile, where: str) -> tuple[str, list[zipfile.ZipInfo]]:
    infos = zf.infolist()
    if not infos:
        raise InputError("empty archive", path=where)
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"archive has {len(infos)} members (limit {MAX_MEMBERS})", path=where)
    total = 0
    tops: set[str] = set()
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name)
        if name.startswith(("/", "\\")) or "\\" in name or ":" in pure.parts[0] or ".." in pure.parts or not pure.parts:
            raise InputError(f"unsafe path in archive: {name!r}", path=where)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InputError(f"archive member is a link: {name!r}", path=where)
        if info.flag_bits & 0x1:
            raise InputError("encrypted archives are not supported", path=where)
        total += info.file_size
        if total > MAX_PACKAGE_BYTES:
            raise InputError(f"archive expands beyond {MAX_PACKAGE_BYTES >> 20} MiB", path=where)
        tops.add(pure.parts[0])
    if len(tops) != 1:
        raise InputError("an Argos package holds exactly one top-level folder", path=where)
    return tops.pop(), infos


def install_package(archive: str | os.PathLike[str], dest: Path | None = None, *, replace: bool = False) -> Package:
    """Install a local ``.argosmodel`` file into the toolkit's model folder, safely and atomically."""
    src = Path(archive).expanduser()
    where = str(src)
    if not src.is_file():
        raise InputError("no such package file", path=where)
    if not zipfile.is_zipfile(src):
        raise InputError("not an Argos package (.argosmodel is a zip archive)", path=where)
    dest_root = dest or models_dir()
    dest_root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zf:
        top, infos = _safe_members(zf, where)
        if top.startswith(".") or not top.strip():
            raise InputError(f"bad package folder name {top!r}", path=where)
        final = dest_root / top
        if final.exists() and not replace:
            raise UsageError(f"{top} is already installed in {dest_root}; remove it first (audit models remove {top})")
        staging = Path(tempfile.mkdtemp(prefix=".install-", dir=dest_root))
        try:
            for info in infos:
                target = (staging / info.filename).resolve()
                if not target.is_relative_to(staging.resolve()):
                    raise InputError(f"unsafe path in archive: {info.filename!r}", path=where)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with zf.open(info) as fin, open(target, "wb") as fout:
                    for block in iter(lambda: fin.read(1 << 20), b""):
                        written += len(block)
                        if written > info.file_size:  # a lying header: stop expanding
                            raise InputError(f"member {info.filename!r} is larger than declared", path=where)
                        fout.write(block)
            pkg = load_package(staging / top, "audit")
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging / top, final)
        except zipfile.BadZipFile as exc:
            raise InputError(f"corrupt archive: {exc}", path=where) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Package(final, pkg.metadata, "audit")


def remove_package(name: str) -> Path:
    """Remove a package from the toolkit's folder (packages argostranslate owns are left to it)."""
    root = models_dir()
    target = root / name
    if "/" in name or "\\" in name or name in (".", "..") or not target.is_dir():
        others = [p.name for p in installed_packages() if p.origin == "audit"]
        hint = f"installed: {', '.join(others)}" if others else "no packages are installed in " + str(root)
        raise UsageError(f"no package {name!r} in {root} ({hint})")
    shutil.rmtree(target)
    return target


def fetch_index(timeout: float = 10.0) -> list[dict[str, Any]]:
    """The Argos package index; fails fast (one attempt, short timeout) when offline."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(INDEX_URL, timeout=timeout) as resp:  # noqa: S310 (fixed https URL)
            data = json.loads(resp.read(16 << 20))
    except (urllib.error.URLError, TimeoutError, OSError, json.JSONDecodeError) as exc:
        raise UsageError(
            f"cannot reach the Argos package index ({exc.__class__.__name__}); offline, install from a file: "
            "audit models install PATH.argosmodel"
        ) from None
    if not isinstance(data, list):
        raise UsageError("the Argos package index is not a list")
    return [d for d in data if isinstance(d, dict)]


def install_by_name(spec: str, timeout: float = 30.0) -> Package:
    """Download a package from the Argos index (``ja_en`` or a package name) and install it safely."""
    import urllib.error
    import urllib.request

    index = fetch_index(timeout=min(timeout, 10.0))
    wanted = [
        d
        for d in index
        if d.get("type", "translate") == "translate"
        and (f"{d.get('from_code')}_{d.get('to_code')}" == spec or d.get("package_name") == spec or d.get("name") == spec)
    ]
    if not wanted:
        pairs = sorted({f"{d.get('from_code')}_{d.get('to_code')}" for d in index})
        raise UsageError(f"no package {spec!r} in the Argos index ({len(pairs)} pairs, e.g. {', '.join(pairs[:5])})")
    entry = max(wanted, key=lambda d: _version_key(str(d.get("package_version", "0"))))
    links = [u for u in entry.get("links", []) if isinstance(u, str) and u.startswith("https://")]
    if not links:
        raise UsageError(f"the index entry for {spec!r} has no https download link")
    with tempfile.TemporaryDirectory(prefix="audit-dl-") as tmp:
        path = Path(tmp) / "package.argosmodel"
        try:
            with urllib.request.urlopen(links[0], timeout=timeout) as resp, open(path, "wb") as out:  # noqa: S310
                shutil.copyfileobj(resp, out)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise UsageError(f"download failed ({exc.__class__.__name__}): {links[0]}") from None
        return install_package(path)
