"""Names across scripts: JMdict/JMnedict forms and glosses, entity and person indexes, and a
katakana plausibility model (kana keys are in ``lexicon.kana``, e2k in ``lexicon.transliteration``).

A name survives translation into Japanese as Latin text, as a known Japanese form (JMnedict:
岸田 for Kishida), or as a katakana transliteration. Transliterations vary (L/R, B/V, long
vowels, small kana, ・), so they are compared as phonetic keys with those distinctions removed.
JMdict's English glosses tell names from common words ("House", "State" are translated, not
transliterated). The dictionary is optional (``pip install 'mt-audit[names]'``); without it only
the document's own vocabulary separates names from words.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from audit.lexicon.kana import edit_distance, to_katakana
from audit.lexicon.transliteration import KATAKANA_PIECE


class Dictionary:
    """Read-only lookups in jamdict's JMdict/JMnedict SQLite file, when installed."""

    _shared: Dictionary | None = None
    _lock = threading.Lock()

    def __init__(self, path: str | None):
        self.path = path
        self._local = threading.local()

    @classmethod
    def shared(cls) -> Dictionary:
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(_jamdict_path())
            return cls._shared

    @property
    def available(self) -> bool:
        return self.path is not None

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def glosses(self, kana: str) -> tuple[str, ...]:
        """English glosses of the JMdict words and JMnedict names written ``kana`` (first 20 of each)."""
        return self._glosses(kana, ("Kana", "NEKana"), 20)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def word_glosses(self, form: str) -> tuple[str, ...]:
        """English glosses of the JMdict words and JMnedict names written ``form``, in kanji or kana."""
        return self._glosses(form, ("Kanji", "Kana", "NEKanji", "NEKana"), 40)

    def _glosses(self, form: str, tables: tuple[str, ...], limit: int) -> tuple[str, ...]:
        db = self._db()
        if db is None:
            return ()
        out: list[str] = []
        for table in tables:
            sense, gloss, key = ("NETranslation", "NETransGloss", "tid") if table.startswith("NE") else ("Sense", "SenseGloss", "sid")
            out += [
                r[0] for r in db.execute(
                    f"SELECT g.text FROM {table} k JOIN {sense} s ON s.idseq = k.idseq JOIN {gloss} g ON g.{key} = s.ID "
                    f"WHERE k.text = ? LIMIT {limit}", (form,),
                )
            ]
        return tuple(out)

    def jmdict_glosses(self, form: str) -> tuple[str, ...]:
        """English glosses of the JMdict words written ``form``, all senses (:meth:`jmdict_senses`)."""
        return tuple(g for sense in self.jmdict_senses(form) for g in sense)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def jmdict_senses(self, form: str) -> tuple[tuple[str, ...], ...]:
        """The senses of the JMdict words written ``form`` (kanji forms when it has kanji, else
        kana), each as its English glosses, in JMdict's order (a word's commonest sense first).
        JMnedict is left out: its glosses of common words are romanised readings (産業: Sangyou),
        which say nothing about the meaning."""
        db = self._db()
        if db is None:
            return ()
        table = "Kanji" if re.search(r"[\u4e00-\u9fff々]", form) else "Kana"
        senses: dict[int, list[str]] = {}
        for sense, gloss in db.execute(
            f"SELECT s.ID, g.text FROM {table} k JOIN Sense s ON s.idseq = k.idseq JOIN SenseGloss g ON g.sid = s.ID "
            "WHERE k.text = ? ORDER BY k.idseq, s.ID LIMIT 60", (form,),
        ):
            senses.setdefault(sense, []).append(gloss)
        return tuple(tuple(g) for g in senses.values())

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def listed(self, form: str) -> bool:
        """Whether JMdict or JMnedict has an entry written ``form``."""
        db = self._db()
        if db is None:
            return False
        return any(
            db.execute(f"SELECT 1 FROM {table} WHERE text = ? LIMIT 1", (form,)).fetchone()
            for table in ("Kanji", "Kana", "NEKanji", "NEKana")
        )

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def name_types(self, kana: str) -> frozenset[str]:
        """The kinds of name JMnedict files a kana form under (given, fem, surname, place, company…)."""
        db = self._db()
        if db is None:
            return frozenset()
        return frozenset(
            t for (t,) in db.execute(
                "SELECT DISTINCT y.text FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq "
                "JOIN NETransType y ON y.tid = t.ID WHERE k.text = ?", (kana,),
            )
        )

    @lru_cache(maxsize=1024)  # noqa: B019 - one shared instance
    def compounds(self, part: str, limit: int = 400) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """JMdict words whose kanji form contains ``part`` and is longer, with their glosses: how
        the part is rendered inside set phrases (通貨 in 国際通貨基金: "monetary"). A scan of
        the kanji forms, about 30 ms: for the few words a check has already found suspicious."""
        db = self._db()
        if db is None or not part:
            return ()
        pattern = "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = db.execute(
            "SELECT idseq, text FROM Kanji WHERE text LIKE ? ESCAPE '\\' AND text != ? LIMIT ?", (pattern, part, limit)
        ).fetchall()
        if not rows:
            return ()
        glosses: dict[int, list[str]] = {}
        marks = ",".join("?" * len(rows))
        for idseq, text in db.execute(
            f"SELECT s.idseq, g.text FROM Sense s JOIN SenseGloss g ON g.sid = s.ID WHERE s.idseq IN ({marks})",
            [r[0] for r in rows],
        ):
            glosses.setdefault(idseq, []).append(text)
        return tuple((form, tuple(glosses.get(idseq, ()))) for idseq, form in rows)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def doubled_word(self, half: str) -> bool:
        """Whether JMdict lists ``half`` twice as one word written in kanji as a doubled form of
        two characters or more: 一歩一歩, ひとつひとつ (一つ一つ). Onomatopoeia (ことこと) and one
        kanji doubled (うちうち: 内内, 内々) are not such words: a noun doubled by mistake reads
        as one of them."""
        db = self._db()
        if db is None:
            return False
        word = half + half
        rows = db.execute(
            "SELECT text FROM Kanji WHERE idseq IN (SELECT idseq FROM Kanji WHERE text = ? UNION SELECT idseq FROM Kana WHERE text = ?)",
            (word, word),
        )
        return any(len(t) >= 4 and len(t) % 2 == 0 and t[: len(t) // 2] == t[len(t) // 2 :] for (t,) in rows)

    @lru_cache(maxsize=4096)  # noqa: B019 - one shared instance
    def is_numbered_term(self, word: str) -> bool:
        """True if JMdict glosses the word in capitals with a number after it: Covid as written
        in title case for COVID-19, a disease rendered 新型コロナ, not a name to transliterate."""
        db = self._db()
        if db is None:
            return False
        up = word.upper()
        rows = db.execute("SELECT text FROM SenseGloss WHERE text >= ? AND text < ? LIMIT 50", (up + "-", up + "-\uffff"))
        return any(re.fullmatch(re.escape(up) + r"-\d+", t) for (t,) in rows)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def is_common_word(self, word: str) -> bool:
        """True if the word (or its singular) is an English gloss of a JMdict entry."""
        db = self._db()
        if db is None:
            return False
        forms = {word.lower()}
        if word.lower().endswith("s") and len(word) > 3:
            forms.add(word.lower()[:-1])
        q = f"SELECT 1 FROM SenseGloss WHERE text IN ({','.join('?' * len(forms))}) LIMIT 1"
        return db.execute(q, tuple(forms)).fetchone() is not None

    def _kanji_readings(self, char: str, types: tuple[str, ...]) -> list[str]:
        """KANJIDIC2's readings of a kanji of the given types (ja_on, ja_kun, pinyin…), as stored."""
        db = self._db()
        if db is None:
            return []
        rows = db.execute(
            "SELECT r.value FROM character c JOIN rm_group g ON g.cid = c.ID JOIN reading r ON r.gid = g.ID "
            f"WHERE c.literal = ? AND r.r_type IN ({','.join('?' * len(types))})", (char, *types),
        )
        return [value for (value,) in rows]

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def kanji_readings(self, char: str) -> frozenset[str]:
        """The on and kun readings (without okurigana) KANJIDIC2 gives a kanji, in katakana; empty
        for a character it lacks or without jamdict-data. Name-only readings (nanori) are left out:
        with them nearly any two kanji share a reading."""
        kana = (v.split(".")[0].strip("-") for v in self._kanji_readings(char, ("ja_on", "ja_kun")))
        return frozenset(k for k in ("".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in v) for v in kana) if k)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def foreign_kanji(self, char: str) -> bool:
        """A Han character Japanese text does not use: absent from KANJIDIC2 and from Shift_JIS
        (a simplified Chinese form: 这, 们, 说), or listed without a school grade (or only as a
        name kanji) and without a newspaper frequency rank (个, 你, 她, 而). False without
        jamdict-data."""
        db = self._db()
        if db is None or not ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"):
            return False
        row = db.execute("SELECT grade, freq FROM character WHERE literal = ?", (char,)).fetchone()
        if row is None:
            try:
                char.encode("cp932")
            except UnicodeEncodeError:
                return True
            return False  # a JIS variant KANJIDIC2 lacks (髙): Japanese
        grade, freq = row
        return freq is None and (grade is None or grade in ("9", "10"))

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def kanji_pinyin(self, char: str) -> frozenset[str]:
        """The Mandarin readings KANJIDIC2 gives a kanji, in pinyin without tones (延 → yan)."""
        return frozenset(v.rstrip("012345") for v in self._kanji_readings(char, ("pinyin",)) if v.rstrip("012345"))

    @lru_cache(maxsize=8192)  # noqa: B019
    def name_forms(self, name: str) -> tuple[str, ...]:
        """Japanese forms (kanji and kana) that JMnedict and JMdict give for an English name.

        Glosses match exactly or with a qualifier ("Moscow (Russia)", "Greek; Greek language").
        """
        db = self._db()
        if db is None:
            return ()
        forms: set[str] = set()
        for gloss_table, link, kanji, kana, key in (
            ("NETransGloss", "NETranslation", "NEKanji", "NEKana", "tid"),
            ("SenseGloss", "Sense", "Kanji", "Kana", "sid"),
        ):
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT {key}, text FROM {gloss_table} WHERE text >= ? AND text < ? LIMIT 200", (name, name + "\uffff")
                )
                if row[1] == name or row[1][len(name) : len(name) + 2] in (" (", "; ", ", ")
            ]
            if not ids:
                continue
            marks = ",".join("?" * len(ids[:100]))
            seqs = [r[0] for r in db.execute(f"SELECT DISTINCT idseq FROM {link} WHERE id IN ({marks})", ids[:100])]
            if not seqs:
                continue
            smarks = ",".join("?" * len(seqs))
            for table in (kanji, kana):
                forms.update(r[0] for r in db.execute(f"SELECT text FROM {table} WHERE idseq IN ({smarks}) LIMIT 100", seqs))
        return tuple(sorted(forms))


def _jamdict_path() -> str | None:
    try:
        import jamdict_data
    except ImportError:
        return None
    from pathlib import Path

    db = Path(jamdict_data.__file__).parent / "jamdict.db"
    return str(db) if db.is_file() else None


def katakana_glosses(word: str) -> tuple[str, ...]:
    """English glosses of a katakana word in JMdict/JMnedict (empty when unknown or not installed)."""
    return Dictionary.shared().glosses(word)


def cached_file(kind: str, version: int, path: str, cache: Path | None) -> Path | None:
    """Where an index built from the database at ``path`` is kept in the folder ``cache``: keyed by
    the database's path, size and modification time and the index's format ``version``, so a new
    jamdict-data (or a change to what is built) is built anew. None without a folder."""
    if cache is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = hashlib.sha256(f"{kind}\0{version}\0{os.path.abspath(path)}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache / f"{kind}-{key}.marshal"


def load_cached(stored: Path | None) -> object | None:
    """What ``save_cached`` kept there (marshal: plain data, no code runs on loading); None when
    it is missing or unreadable, and the caller builds it instead."""
    if stored is None:
        return None
    try:
        return marshal.loads(stored.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def save_cached(stored: Path | None, state: Any) -> None:
    """Keep ``state`` for the next process; a folder that cannot be written costs only time."""
    if stored is None:
        return
    from audit.io.atomic import write_atomic

    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(stored, marshal.dumps(state))
        kind = stored.name.rsplit("-", 1)[0]
        for old in stored.parent.glob(f"{kind}-*.marshal"):
            if old != stored:
                old.unlink(missing_ok=True)  # built from another database or format: never read again
    except Exception:  # noqa: BLE001 - a cache must never stop an audit
        return


def _cache_folder() -> Path:
    from audit.backtranslate.packages import audit_home

    return audit_home() / "cache"


class EnJaIndex:
    """English word → Japanese forms, from JMdict's English glosses (glosses of up to three words).

    Words are keyed by their Snowball stem, so "controls", "controlled" and "controlling" share
    one entry. A Japanese form is kept as its kanji stem (強化する → 強化, 食べる → 食) when it
    has kanji, so inflected uses still match; kana-only words are kept whole, and the first two
    kana spellings of words with kanji are kept apart (``readings``: a translation may write 綺麗
    as きれい, but short kana strings also match by chance). Kana is stored in katakana, and text
    is compared after :func:`to_katakana`, so hiragana and katakana spellings meet. Built once per
    process from the jamdict SQLite file (about 3 s); empty when jamdict-data is not installed.
    """

    STOP = frozenset("a an the of to in on at for by with from and or as be is are was were it its this that these those not no".split())

    CACHE_FORMAT = 1  # bump when what is built changes

    def __init__(self, path: str | None, cache: Path | None = None):
        """The index of the JMdict database at ``path``; read from ``cache`` (a folder) when a
        copy built from the same database file is there (0.3 s), else built (about 4 s) and
        saved there."""
        self.index: dict[str, frozenset[str]] = {}
        self.readings: dict[str, frozenset[str]] = {}  # kana spellings of the words that have kanji
        if path is None:
            return
        from snowballstemmer import stemmer

        stem = lru_cache(maxsize=None)(stemmer("english").stemWord)
        self._stem = stem
        stored = cached_file("en-ja-index", self.CACHE_FORMAT, path, cache)
        state = load_cached(stored)
        if isinstance(state, tuple) and len(state) == 2 and all(isinstance(x, dict) for x in state):
            self.index, self.readings = state
            return
        self._build(path, stem)
        save_cached(stored, (self.index, self.readings))

    def _build(self, path: str, stem: Callable[[str], str]) -> None:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            kanji: dict[int, list[str]] = {}
            for idseq, text in db.execute("SELECT idseq, text FROM Kanji"):
                kanji.setdefault(idseq, []).append(text)
            kana: dict[int, list[str]] = {}
            for idseq, text in db.execute("SELECT idseq, text FROM Kana"):
                kana.setdefault(idseq, []).append(text)
            keys: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
            building: dict[str, set[str]] = {}
            spelled: dict[str, set[str]] = {}
            paren, word_re, stop = re.compile(r"\(.*?\)"), re.compile(r"[a-z]+"), self.STOP
            for idseq, gloss in db.execute("SELECT s.idseq, g.text FROM SenseGloss g JOIN Sense s ON g.sid = s.ID"):
                words = [w for w in word_re.findall(paren.sub(" ", gloss.lower())) if w not in stop]
                if not words or len(words) > 3:
                    continue
                if idseq not in keys:
                    readings = frozenset(to_katakana(r) for r in kana.get(idseq, [])[:2] if len(r) >= 2)
                    if idseq in kanji:
                        keys[idseq] = (frozenset(to_katakana(k) for k in (_stem_form(f) for f in kanji[idseq][:3]) if k), readings)
                    else:
                        keys[idseq] = (readings, frozenset())
                main, extra = keys[idseq]
                for w in words:
                    st = stem(w)
                    building.setdefault(st, set()).update(main)
                    if extra:
                        spelled.setdefault(st, set()).update(extra)
        finally:
            db.close()
        self.index = {w: frozenset(k) for w, k in building.items()}
        self.readings = {w: frozenset(k) for w, k in spelled.items()}

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> EnJaIndex:
        """One index per process, built once per jamdict-data install and then read from
        ``$AUDIT_HOME/cache``."""
        return cls(_jamdict_path(), _cache_folder())

    def forms(self, word: str, *, readings: bool = False) -> frozenset[str] | None:
        """Japanese forms of an English word, with kana as katakana (see :meth:`found`);
        with ``readings``, also the kana spellings of its kanji words. None: not in JMdict."""
        if not self.index:
            return None
        st = self._stem(word.lower())
        found = self.index.get(st, frozenset())
        if readings:
            found = found | self.readings.get(st, frozenset())
        return found or None

    def found(self, word: str, kana_text: str, *, readings: bool = False) -> bool | None:
        """Whether a Japanese form of ``word`` occurs in ``kana_text`` (a text passed through
        :func:`to_katakana`); None when JMdict does not know the word. ``readings`` also accepts
        a kanji word written in kana: more words are witnessed, a little less strictly."""
        forms = self.forms(word, readings=readings)
        if forms is None:
            return None
        return any(f in kana_text for f in forms)


def _stem_form(form: str) -> str | None:
    m = re.match(r"^(.*[\u4e00-\u9fff々])", form)
    if m:
        return m.group(1)
    return form if len(form) >= 2 else None


def entity_key(name: str) -> str:
    """An English entity name reduced for lookup: lower case, no punctuation, no "(abbr)" notes,
    no leading "the" (Mitsubishi Heavy Industries, Ltd. → mitsubishi heavy industries ltd)."""
    s = re.sub(r"\(.*?\)", " ", name.lower())
    s = re.sub(r"[^a-z0-9&]+", " ", s).strip()
    return re.sub(r"^the ", "", s)


_LEGAL_SUFFIX = re.compile(r"(?: (?:co ltd|ltd|inc|corp|co|plc|llc|limited|incorporated))+$")


class EntityIndex:
    """Organisations, companies, products and works that JMnedict names in two or more English
    words, with their Japanese forms (kanji forms, and katakana forms of three or more kana):
    "Mitsubishi Corporation" → 三菱商事, "Mitsubishi Heavy Industries, Ltd." → 三菱重工業.
    Entities sharing their first English word are siblings (``siblings``). About 6,000 names,
    built in well under a second; empty when jamdict-data is not installed.
    """

    TYPES = ("organization", "company", "product", "work")

    def __init__(self, path: str | None):
        self.forms: dict[str, frozenset[str]] = {}
        self.names_of: dict[str, frozenset[str]] = {}
        self.display: dict[str, str] = {}  # key → the English name as JMnedict writes it
        self._by_head: dict[str, set[str]] = {}
        self.longest = 0
        if path is None:
            return
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            marks = ",".join("?" * len(self.TYPES))
            rows = db.execute(
                "SELECT DISTINCT t.idseq, g.text FROM NETransGloss g JOIN NETranslation t ON g.tid = t.ID "
                f"JOIN NETransType y ON y.tid = t.ID WHERE y.text IN ({marks})",
                self.TYPES,
            ).fetchall()
            written: dict[int, set[str]] = {}
            wanted = f"SELECT t.idseq FROM NETranslation t JOIN NETransType y ON y.tid = t.ID WHERE y.text IN ({marks})"
            for i, text in db.execute(f"SELECT idseq, text FROM NEKanji WHERE idseq IN ({wanted})", self.TYPES):
                if len(text) >= 2:
                    written.setdefault(i, set()).add(text)
            for i, text in db.execute(f"SELECT idseq, text FROM NEKana WHERE idseq IN ({wanted})", self.TYPES):
                if len(text) >= 3 and all("\u30a0" <= c <= "\u30ff" for c in text):
                    written.setdefault(i, set()).add(text)
        finally:
            db.close()
        forms: dict[str, set[str]] = {}
        names_of: dict[str, set[str]] = {}
        for i, gloss in rows:
            key = entity_key(gloss)
            if len(key.split()) < 2 or i not in written:
                continue
            forms.setdefault(key, set()).update(written[i])
            self.display.setdefault(key, re.sub(r"\s*\(.*?\)", "", gloss).strip())
            short = _LEGAL_SUFFIX.sub("", key)
            if short != key and len(short.split()) >= 2:  # "Mitsubishi Heavy Industries" without ", Ltd."
                forms.setdefault(short, set()).update(written[i])
            for f in written[i]:
                names_of.setdefault(f, set()).add(key)
            self._by_head.setdefault(key.split()[0], set()).add(key)
        self.forms = {k: frozenset(v) for k, v in forms.items()}
        self.names_of = {k: frozenset(v) for k, v in names_of.items()}
        self.longest = max((len(k.split()) for k in self.forms), default=0)

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> EntityIndex:
        return cls(_jamdict_path())

    def is_head(self, word: str) -> bool:
        """Whether some entity's English name starts with this (lower-case) word."""
        return word in self._by_head

    def siblings(self, key: str) -> list[str]:
        """Other entities whose English name starts with the same word."""
        return sorted(self._by_head.get(key.split()[0], set()) - {key})


class KatakanaModel:
    """How Japanese writes katakana words: a character trigram model of the katakana forms in
    JMdict and JMnedict (about 120,000 words, built in about 0.7 s), and the words themselves.

    A misspelt transliteration often has a kana sequence that no loanword or foreign name has
    (ヂョ, ヌヮ); ``weakest`` finds it. Empty (``available`` False) without jamdict-data.
    """

    CACHE_FORMAT = 1  # bump when what is built changes

    def __init__(self, path: str | None, cache: Path | None = None):
        """The model of the JMdict database at ``path``; read from ``cache`` (a folder) when a
        copy built from the same database file is there, else built and saved there."""
        self.words: frozenset[str] = frozenset()
        self.vocabulary: frozenset[str] = frozenset()  # JMdict's katakana words alone, without JMnedict's names
        self._tri: dict[str, int] = {}
        self._ctx: dict[str, int] = {}
        self._bi: dict[str, int] = {}
        self._uni: dict[str, int] = {}
        self._vocab = 1
        if path is None:
            return
        stored = cached_file("katakana-model", self.CACHE_FORMAT, path, cache)
        state = load_cached(stored)
        if state is not None and isinstance(state, tuple) and len(state) == 7:
            self.words, self.vocabulary, self._tri, self._ctx, self._bi, self._uni, self._vocab = state
            return
        self._build(path)
        save_cached(stored, self._state())

    def _state(self) -> tuple[frozenset[str], frozenset[str], dict[str, int], dict[str, int], dict[str, int], dict[str, int], int]:
        return (self.words, self.vocabulary, self._tri, self._ctx, self._bi, self._uni, self._vocab)

    def _build(self, path: str) -> None:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            # rows starting with a katakana letter or ー (SQLite compares code points: cheap)
            by_table = {
                table: {
                    p
                    for (text,) in db.execute(f"SELECT text FROM {table} WHERE text >= 'ァ' AND text < 'ヽ'")  # noqa: S608
                    for p in re.split(r"[・＝=]", text)
                    if KATAKANA_PIECE.fullmatch(p)
                }
                for table in ("NEKana", "Kana")
            }
            words = by_table["NEKana"] | by_table["Kana"]
            self.vocabulary = frozenset(by_table["Kana"])
        finally:
            db.close()
        from collections import Counter

        tri: Counter[str] = Counter()
        for w in words:
            s = "^^" + w + "$"
            tri.update(s[i : i + 3] for i in range(len(s) - 2))
        ctx: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        uni: Counter[str] = Counter()
        for g, n in tri.items():  # every bigram after the padding ends one trigram
            ctx[g[:2]] += n
            bi[g[1:]] += n
            uni[g[1]] += n
        self.words = frozenset(words)
        self._tri, self._ctx, self._bi, self._uni = dict(tri), dict(ctx), dict(bi), dict(uni)
        self._vocab = len({ch for w in words for ch in w}) + 1

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> KatakanaModel:
        """One model per process, built once per jamdict-data install and then read from
        ``$AUDIT_HOME/cache`` (about 0.05 s instead of 0.7 s)."""
        return cls(_jamdict_path(), _cache_folder())

    @property
    def available(self) -> bool:
        return bool(self.words)

    def _logp(self, ch: str, hist: str) -> float:
        c = self._ctx.get(hist, 0)
        p3 = self._tri.get(hist + ch, 0) / c if c else 0.0
        u = self._uni.get(hist[-1], 0)
        p2 = self._bi.get(hist[-1] + ch, 0) / u if u else 0.0
        return math.log(0.6 * p3 + 0.35 * p2 + 0.05 / self._vocab)

    def weakest(self, word: str) -> tuple[int, float]:
        """The position in ``word`` of its least likely kana (len(word): the end) and its log-probability."""
        s = "^^" + word + "$"
        scores = [self._logp(s[i], s[i - 2 : i]) for i in range(2, len(s))]
        k = min(range(len(scores)), key=scores.__getitem__)
        return k, scores[k]

    def compound(self, word: str, vocabulary_only: bool = False) -> bool:
        """True if ``word`` is two or more known katakana words written together (オレンジゾーン);
        with ``vocabulary_only``, JMdict's words (not JMnedict's names: ハリン is a name)."""
        known = self.vocabulary if vocabulary_only else self.words
        n = len(word)
        ok = [True] + [False] * n
        for end in range(2, n + 1):
            ok[end] = any(ok[start] and word[start:end] in known for start in range(0, end - 1))
        return ok[n]


def read_alike(a: str, b: str) -> tuple[str, str] | None:
    """Two kanji strings of one length whose differing characters have readings (KANJIDIC2, on
    and kun) that are the same or one kana apart (of two kana or more), and Mandarin readings one
    letter apart at most: 聞/文 (ブン; wen), 郎/朗 (ロウ; lang), not 林/森 (リン/シン; lin/sen) nor
    勘/館 (カン; kan/guan). The Japanese readings of the first differing pair, or None."""
    dic = Dictionary.shared()
    if len(a) != len(b) or a == b:
        return None
    found = None
    for x, y in zip(a, b):
        if x == y:
            continue
        pairs = [(p, q) for p in dic.kanji_readings(x) for q in dic.kanji_readings(y)
                 if p == q or (min(len(p), len(q)) >= 2 and edit_distance(p, q) <= 1)]
        if not pairs:
            return None
        # Mandarin too: Japanese readings alone are alike by chance too often (short on readings)
        if not any(edit_distance(p, q) <= 1 for p in dic.kanji_pinyin(x) for q in dic.kanji_pinyin(y)):
            return None
        found = found or min(pairs, key=lambda pq: (edit_distance(*pq), pq))
    return found


# a JMnedict person people are likely to write about: years of life from 1800 on, or an office
_KNOWN_PERSON = re.compile(
    r"\((?:18|19|20)\d\d|\b(?:President|Prime Minister|Premier|Minister|Chancellor|Chairman|General Secretary|"
    r"Secretary|Governor|Mayor|Senator|politician|Emperor|King|Queen)\b"
)


_KANJI_NAME = re.compile(r"[\u4e00-\u9fff々]+")


# a Hepburn syllable (after long vowels' marks and doubled consonants are removed)
_HEPBURN = re.compile(r"(?:sh|ch|ts|[kgsztdnhbpmr]y?|j|f|w|y)?[aiueo]|n")


_NOT_HEPBURN = frozenset("si ti tu hu zi di du".split())


def _romanised_japanese(gloss: str) -> bool:
    """Whether the English name of a JMnedict gloss is Japanese in Hepburn romanisation
    ("Kishida Fumio", "Itou Shuuji"; not "Xi Jinping", "Park Geun-hye", "Hu Jintao")."""
    name = re.sub(r"\s*\(.*?\)", "", gloss).split(",")[0].strip().lower()
    name = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    name = re.sub(r"([kstpgbdzfhmrc])\1", r"\1", name.replace("tch", "ch"))
    for word in re.split(r"[\s'-]+", name):
        syllables = _HEPBURN.findall(word)
        if "".join(syllables) != word or _NOT_HEPBURN.intersection(syllables):
            return False
    return True


@dataclass(frozen=True)
class Person:
    name: str
    gloss: str  # JMnedict's English, e.g. "Park Geun-hye" or "Kishida Fumio (1957.7.29-)"
    foreign: bool  # named in a romanisation other than Japanese, or read in katakana


class PersonIndex:
    """Known people by their kanji names, to find a name written with one wrong character.

    A known person is a JMnedict person written in three or four kanji and either named in a
    romanisation other than Japanese or read in katakana (習近平 "Xi Jinping", 朴槿恵 "Park
    Geun-hye": ``foreign``), or given years of life from 1800 on or an office (岸田文雄 "Kishida
    Fumio (1957.7.29-)"): about 19,600 names. ``splits`` tells a name made of a JMnedict surname
    and given name, as most Japanese names are: such a name may be anyone's, and one character
    away from some known person by chance. Everything is looked up in jamdict's SQLite file on
    demand (its indexes on the written forms), so nothing is built; empty without jamdict-data.
    """

    _TYPED = ("SELECT DISTINCT y.text FROM NEKanji k JOIN NETranslation t ON t.idseq = k.idseq "
              "JOIN NETransType y ON y.tid = t.ID WHERE k.text = ?")
    # the written form first (CROSS JOIN keeps SQLite to that order: its index on the form)
    _PERSON = ("SELECT k.text, g.text, (SELECT min(r.text) FROM NEKana r WHERE r.idseq = k.idseq) FROM NEKanji k "
               "CROSS JOIN NETranslation t ON t.idseq = k.idseq CROSS JOIN NETransType y ON y.tid = t.ID "
               "CROSS JOIN NETransGloss g ON g.tid = t.ID WHERE y.text = 'person' AND k.text {}")

    def __init__(self, dictionary: Dictionary):
        self._dictionary = dictionary

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> PersonIndex:
        return cls(Dictionary.shared())

    @property
    def available(self) -> bool:
        return self._dictionary.available

    @staticmethod
    def _known(name: str, rows: list[tuple[str, str | None]]) -> Person | None:
        if not rows or not 3 <= len(name) <= 4 or not _KANJI_NAME.fullmatch(name):
            return None
        glosses = [g for g, _ in rows]
        foreign = any(k and "\u30a1" <= k[0] <= "\u30fa" for _, k in rows) or not all(map(_romanised_japanese, glosses))
        if not foreign and not any(_KNOWN_PERSON.search(g) for g in glosses):
            return None
        return Person(name, glosses[0], foreign)

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def person(self, name: str) -> Person | None:
        """The known person written ``name``, or None."""
        db = self._dictionary._db()
        return None if db is None else self._known(name, [r[1:] for r in db.execute(self._PERSON.format("= ?"), (name,))])

    @lru_cache(maxsize=8192)  # noqa: B019 - one shared instance
    def _types(self, text: str) -> frozenset[str]:
        db = self._dictionary._db()
        return frozenset() if db is None else frozenset(t for (t,) in db.execute(self._TYPED, (text,)))

    def splits(self, name: str, min_surname: int = 1) -> bool:
        """Whether ``name`` is a JMnedict surname (of ``min_surname`` kanji or more) followed by a
        given name (山田正己)."""
        return any("surname" in self._types(name[:k]) and self._types(name[k:]) & {"given", "fem", "masc"}
                   for k in range(min_surname, len(name)))

    @lru_cache(maxsize=1)  # noqa: B019 - one shared instance
    def _by_reading(self) -> dict[str, frozenset[str]]:
        """Kanji by their on and kun readings (as ``Dictionary.kanji_readings``); built once per
        jamdict-data install and then read from ``$AUDIT_HOME/cache`` (0.02 s instead of 0.17 s)."""
        path = _jamdict_path()
        stored = cached_file("kanji-readings", 1, path, _cache_folder()) if path else None
        state = load_cached(stored)
        if isinstance(state, dict):
            return state
        built = self._build_by_reading()
        if built:
            save_cached(stored, built)
        return built

    def _build_by_reading(self) -> dict[str, frozenset[str]]:
        db = self._dictionary._db()
        out: dict[str, set[str]] = {}
        for char, value in db.execute(
            "SELECT c.literal, r.value FROM character c JOIN rm_group g ON g.cid = c.ID JOIN reading r ON r.gid = g.ID "
            "WHERE r.r_type IN ('ja_on', 'ja_kun')") if db is not None else ():
            kana = to_katakana(value.split(".")[0].strip("-"))
            if kana:
                out.setdefault(kana, set()).add(char)
        return {k: frozenset(v) for k, v in out.items()}

    def near(self, name: str) -> list[Person]:
        """Known people whose names differ from ``name`` in one character that shares a reading
        with the one it replaces (the first character), or in any one character (the others)."""
        db = self._dictionary._db()
        if db is None:
            return []
        found: list[str] = []
        by_reading = self._by_reading()
        firsts = {c for r in self._dictionary.kanji_readings(name[0]) for c in by_reading.get(r, ())} - {name[0]}
        found += sorted(c + name[1:] for c in firsts)
        for i in range(1, len(name)):  # the written forms are indexed: a range query on the start
            rows = db.execute("SELECT DISTINCT text FROM NEKanji WHERE text >= ? AND text < ? AND length(text) = ?",
                              (name[:i], name[:i] + "\U0010ffff", len(name)))
            found += sorted(t for (t,) in rows if t != name and t[i + 1 :] == name[i + 1 :])
        return [p for p in (self.person(t) for t in dict.fromkeys(found)) if p is not None]

    def known_persons(self) -> list[Person]:
        """Every known person (a full scan: for benchmarks)."""
        db = self._dictionary._db()
        if db is None:
            return []
        rows: dict[str, list[tuple[str, str | None]]] = {}
        for name, gloss, kana in db.execute(self._PERSON.format("IS NOT NULL") + " AND length(k.text) IN (3, 4)"):
            rows.setdefault(name, []).append((gloss, kana))
        return [p for p in (self._known(n, r) for n, r in sorted(rows.items())) if p is not None]
