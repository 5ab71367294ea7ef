"""A persistent cache of back-translations, sentence vectors and model answers: SQLite, keyed
by the translator's or encoder's signature (and n-best) and the text, or (answers of
OpenAI-compatible models, :mod:`audit.llm.client`) by a hash of the whole request.

Two audits may share it at once (SQLite locking, WAL journal, a busy timeout). A cache file
that is not a database, or is damaged, is moved aside and rebuilt; if even that fails the
cache turns itself off and says so, and the audit goes on translating.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from audit.backtranslate.base import BackTranslator, Hypothesis

SCHEMA_VERSION = 1
TEXT_TABLES = frozenset({"llm", "web", "e2k"})


def _key(signature: str, n_best: int, text: str) -> str:
    return hashlib.sha256(f"{signature}\0{n_best}\0{text}".encode()).hexdigest()


class Cache:
    def __init__(self, path: Path, *, threads: bool = False):
        self.path = path
        self.problem: str | None = None
        self._threads = threads  # shared between threads: every use of the connection under a lock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=not self._threads)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: a commit need not wait for the disk
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS bt (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS llm (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS web (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS e2k (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif row[0] != str(SCHEMA_VERSION):
                db.execute("DELETE FROM bt")
                db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
            db.execute("SELECT count(*) FROM bt LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _rebuild(self, exc: Exception) -> None:
        try:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(self.path) + suffix)
                if p.exists():
                    p.replace(p.with_name(p.name + ".corrupt"))
            self._db = self._open()
            self.problem = f"cache was unreadable ({exc}); rebuilt"
        except (OSError, sqlite3.DatabaseError) as exc2:
            self._db = None
            self.problem = f"cache disabled: {exc2}"

    def get_many(self, signature: str, n_best: int, texts: Sequence[str]) -> dict[str, list[Hypothesis]]:
        if self._db is None:
            return {}
        found: dict[str, list[Hypothesis]] = {}
        keys = {_key(signature, n_best, t): t for t in set(texts)}
        items = list(keys.items())
        try:
            for i in range(0, len(items), 500):
                chunk = items[i : i + 500]
                q = f"SELECT key, value FROM bt WHERE key IN ({','.join('?' * len(chunk))})"
                for k, v in self._db.execute(q, [k for k, _ in chunk]):
                    try:
                        found[keys[k]] = [Hypothesis(h[0], h[1]) for h in json.loads(v)]
                    except (ValueError, TypeError, IndexError, KeyError):
                        continue  # a damaged row is translated again
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return {}
        return found

    def put_many(self, signature: str, n_best: int, values: dict[str, list[Hypothesis]]) -> None:
        if self._db is None or not values:
            return
        self._write("bt", [(_key(signature, n_best, t), json.dumps([[h.text, h.score] for h in hyps])) for t, hyps in values.items()])

    def _write(self, table: str, rows: list[tuple[str, object]]) -> None:
        """Rows into ``table`` in one transaction; a failure is noted, never raised (the audit goes on)."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)  # noqa: S608 - a known table
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass
            self.problem = f"cache write failed: {exc}"

    def get_vectors(self, signature: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        """Sentence vectors stored for ``texts`` under an encoder ``signature`` (float32, ``dim`` long)."""
        if self._db is None:
            return {}
        keys = {_key(signature, -1, t): t for t in set(texts)}
        items = list(keys)
        found: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(items), 500):
                chunk = items[i : i + 500]
                q = f"SELECT key, value FROM emb WHERE key IN ({','.join('?' * len(chunk))})"  # noqa: S608
                for k, v in self._db.execute(q, chunk):
                    vec = np.frombuffer(v, dtype=np.float32)
                    if vec.shape == (dim,):
                        found[keys[k]] = vec  # a damaged row is embedded again
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return {}
        return found

    def put_vectors(self, signature: str, vectors: dict[str, np.ndarray]) -> None:
        if self._db is None or not vectors:
            return
        self._write("emb", [(_key(signature, -1, t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()])

    def get_text(self, table: str, key: str) -> str | None:
        """A stored answer (table ``llm``: a model's; ``web``: an online service's) by its key, or None."""
        if table not in TEXT_TABLES:
            raise ValueError(table)
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(f"SELECT value FROM {table} WHERE key=?", (key,)).fetchone()  # noqa: S608 - a known table
            except sqlite3.DatabaseError as exc:
                self._rebuild(exc)
                return None
        return row[0] if row else None

    def put_text(self, table: str, key: str, value: str) -> None:
        if table not in TEXT_TABLES:
            raise ValueError(table)
        with self._lock:
            self._write(table, [(key, value)])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def translate_cached(
    translator: BackTranslator, texts: Sequence[str], n_best: int, cache: Cache | None
) -> tuple[list[list[Hypothesis]], int]:
    """Translate ``texts``, each distinct text once, reusing the cache; returns results and the number translated."""
    unique = list(dict.fromkeys(texts))
    sig = translator.signature()
    known = cache.get_many(sig, n_best, unique) if cache else {}
    todo = [t for t in unique if t not in known]
    if todo:
        fresh = dict(zip(todo, translator.translate(todo, n_best=n_best), strict=True))
        if cache:  # a sentence the engine gave nothing for (a failed request) is asked again next time
            cache.put_many(sig, n_best, {t: hyps for t, hyps in fresh.items() if hyps})
        known.update(fresh)
    return [known[t] for t in texts], len(todo)
