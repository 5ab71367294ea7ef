"""Build the knowledge index from a Wikidata JSON dump, in one streaming pass.

Wikidata publishes its dump as one JSON array with one entity per line (``[``, then
``{…},`` lines, then ``]``), gzip- or bzip2-compressed (``latest-all.json.gz``); filtered
extracts (one entity per line, with or without the array) are read the same way. Each line is
parsed on its own and the rows are written to SQLite in batches, so memory stays flat whatever
the dump's size; the dump's SHA-256 is computed on the bytes as they are read.

An item is kept when it has an English and a Japanese label or alias and (unless ``kinds`` is
None: every item) is an instance (P31) of one of the classes of :data:`KINDS`: people,
organisations, government bodies, companies, places, programmes, events, works, products.
Wikidata's class tree is not followed (that needs the whole dump twice); the classes listed are
the ones items of these kinds most often name directly.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from audit.errors import InputError
from audit.knowledge.index import FORMAT, MIN_NEAR, deletions, en_key, ja_key

# class → kind (instance of, P31)
KINDS: dict[str, str] = {
    "Q5": "person",
    "Q43229": "organisation", "Q484652": "organisation", "Q79913": "organisation", "Q7278": "organisation",
    "Q48204": "organisation", "Q2659904": "organisation", "Q15911314": "organisation", "Q3918": "organisation",
    "Q11032": "organisation", "Q1002697": "organisation", "Q12973014": "organisation", "Q476028": "organisation",
    "Q215380": "organisation", "Q176799": "organisation", "Q17149090": "organisation",
    "Q327333": "government body", "Q192350": "government body", "Q2500638": "government body",
    "Q11204": "government body", "Q35798": "government body", "Q1752939": "government body",
    "Q783794": "company", "Q4830453": "company", "Q6881511": "company", "Q891723": "company", "Q431289": "company",
    "Q167037": "company", "Q1762059": "company",
    "Q6256": "place", "Q3624078": "place", "Q515": "place", "Q1549591": "place", "Q486972": "place",
    "Q35657": "place", "Q50337": "place", "Q1059478": "place", "Q5119": "place", "Q1637706": "place",
    "Q23442": "place", "Q8502": "place", "Q4022": "place", "Q23397": "place", "Q1093829": "place",
    "Q15416": "programme", "Q5398426": "programme", "Q1983062": "programme", "Q7315155": "programme",
    "Q1656682": "event", "Q1190554": "event", "Q16510064": "event", "Q198": "event", "Q175331": "event",
    "Q11424": "work", "Q7725634": "work", "Q571": "work", "Q7889": "work", "Q482994": "work", "Q7366": "work",
    "Q1002954": "work", "Q47461344": "work",
    "Q2424752": "product", "Q7397": "product", "Q1420": "product", "Q22811534": "product", "Q3966": "product",
    "Q618779": "event", "Q12136": "event",
}  # fmt: skip
EN_LANGS = ("en", "en-gb", "en-us", "en-ca", "mul")
BATCH = 5000
_DATE = re.compile(r"(?<!\d)(20\d{6})(?!\d)")


class _Hashing(io.RawIOBase):
    """A raw reader that hashes the bytes it passes on."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self.digest = hashlib.sha256()
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.bytes += n
        return n


@dataclass
class BuildStats:
    lines: int = 0
    entities: int = 0
    kept: int = 0
    skipped_lines: int = 0  # not JSON, or not an entity
    seconds: float = 0.0
    dump_bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items(), key=lambda kv: -kv[1]))
        return (
            f"{self.kept} of {self.entities} entities kept ({kinds or 'none'}); "
            f"{self.dump_bytes / 1e6:.1f} MB of dump file read in {self.seconds:.1f} s"
            + (f"; {self.skipped_lines} line(s) skipped (not an entity)" if self.skipped_lines else "")
        )


def _lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        line = line.strip()
        if line in ("[", "]", ""):
            continue
        yield line[:-1] if line.endswith(",") else line


def _open_text(hashing: _Hashing, name: str) -> IO[str]:
    buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
    head = buffered.peek(3)[:3]
    if head[:2] == b"\x1f\x8b" or name.endswith(".gz"):
        return io.TextIOWrapper(gzip.GzipFile(fileobj=buffered), encoding="utf-8")
    if head == b"BZh" or name.endswith(".bz2"):
        return io.TextIOWrapper(bz2.BZ2File(buffered), encoding="utf-8")
    return io.TextIOWrapper(buffered, encoding="utf-8")


def _values(entity: dict[str, Any], key: str, langs: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    block = entity.get(key) or {}
    if not isinstance(block, dict):
        return out
    for lang in langs:
        got = block.get(lang)
        for v in got if isinstance(got, list) else [got] if got else []:
            if isinstance(v, dict) and isinstance(v.get("value"), str) and v["value"].strip():
                out.append(v["value"].strip())
    return list(dict.fromkeys(out))


def _classes(entity: dict[str, Any]) -> list[str]:
    out = []
    for claim in (entity.get("claims") or {}).get("P31") or ():
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
            out.append(value["id"] if "id" in value else f"Q{value['numeric-id']}")
        except (KeyError, TypeError):
            continue
    return out


def build(dump: Path, output: Path, *, kinds: dict[str, str] | None = KINDS, progress: Callable[[BuildStats], None] | None = None) -> BuildStats:
    """Index ``dump`` into ``output`` (written atomically: a temporary file renamed at the end)."""
    stats = BuildStats()
    clock = time.perf_counter()
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE items (qid TEXT PRIMARY KEY, en TEXT, ja TEXT, kind TEXT, forms TEXT);"
            "CREATE TABLE en (name TEXT, qid TEXT); CREATE TABLE ja (name TEXT, qid TEXT);"
            "CREATE TABLE near (key TEXT, item INTEGER);"
        )
        latest = ""
        try:
            raw = open(dump, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(f"cannot read the dump: {exc.strerror or exc}", path=str(dump)) from None
        hashing = _Hashing(raw)
        rows: dict[str, list[tuple[Any, ...]]] = {"items": [], "en": [], "ja": [], "near": []}
        try:
            with _open_text(hashing, dump.name) as stream:
                for line in _lines(stream):
                    stats.lines += 1
                    try:
                        entity = json.loads(line)
                    except ValueError:
                        stats.skipped_lines += 1
                        continue
                    if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
                        stats.skipped_lines += 1
                        continue
                    stats.entities += 1
                    modified = entity.get("modified")
                    if isinstance(modified, str) and modified > latest:
                        latest = modified
                    _add(entity, kinds, rows, stats)
                    if len(rows["near"]) >= BATCH or len(rows["items"]) >= BATCH:
                        _flush(db, rows)
                        if progress is not None:
                            progress(stats)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the dump: {exc}", path=str(dump)) from None
        finally:
            raw.close()
        _flush(db, rows)
        if stats.entities == 0:
            raise InputError("no Wikidata entities found: not a Wikidata JSON dump", path=str(dump))
        db.executescript(
            "CREATE INDEX en_name ON en(name); CREATE INDEX ja_name ON ja(name); CREATE INDEX near_key ON near(key);"
        )
        stats.dump_bytes = hashing.bytes
        date = _DATE.search(dump.name)
        meta = {
            "format": str(FORMAT),
            "source": "Wikidata JSON dump",
            "dump": dump.name,
            "dump_date": date.group(1) if date else (latest[:10].replace("-", "") or "unknown"),
            "dump_sha256": hashing.digest.hexdigest(),
            "dump_bytes": str(hashing.bytes),
            "items": str(stats.kept),
            "kinds": "all" if kinds is None else ", ".join(sorted(set(kinds.values()))),
            "licence": "Wikidata: CC0 1.0",
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.replace(tmp, output)
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    stats.seconds = time.perf_counter() - clock
    return stats


def _add(entity: dict[str, Any], kinds: dict[str, str] | None, rows: dict[str, list[tuple[Any, ...]]], stats: BuildStats) -> None:
    en = _values(entity, "labels", EN_LANGS) + _values(entity, "aliases", EN_LANGS)
    ja_label = _values(entity, "labels", ("ja",))
    ja = ja_label + _values(entity, "aliases", ("ja",))
    if not en or not ja:
        return
    kind = "item"
    if kinds is not None:
        found = [kinds[c] for c in _classes(entity) if c in kinds]
        if not found:
            return
        kind = found[0]
    qid = entity["id"]
    ja = list(dict.fromkeys(ja))
    rows["items"].append((qid, en[0], ja[0], kind, json.dumps(ja, ensure_ascii=False)))
    rows["en"].extend((k, qid) for k in dict.fromkeys(en_key(n) for n in en) if k)
    rows["ja"].extend((k, qid) for k in dict.fromkeys(ja_key(n) for n in ja) if k)
    for label in dict.fromkeys(ja_key(n) for n in ja_label):
        if MIN_NEAR <= len(label) <= 24:
            number = int(qid[1:]) if qid[1:].isdigit() else None
            if number is not None:  # items are Q-numbers; the near table keeps the number only
                rows["near"].extend((k, number) for k in deletions(label))
    stats.kept += 1
    stats.by_kind[kind] = stats.by_kind.get(kind, 0) + 1


def _flush(db: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)", rows["items"])
    db.executemany("INSERT INTO en VALUES (?, ?)", rows["en"])
    db.executemany("INSERT INTO ja VALUES (?, ?)", rows["ja"])
    db.executemany("INSERT INTO near VALUES (?, ?)", rows["near"])
    for v in rows.values():
        v.clear()
