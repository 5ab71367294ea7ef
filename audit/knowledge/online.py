"""Official names from Wikidata's API, for users without a dump (``--knowledge wikidata``).

Opt-in: it runs only with ``AUDIT_ALLOW_DOWNLOADS=1`` (the switch that lets the toolkit go
online at all). An English name is looked up with ``wbsearchentities`` (exact label or alias
matches only) and the items found are read with ``wbgetentities`` (English and Japanese labels
and aliases, P31 classes), kept as the dump indexer keeps them (:data:`audit.knowledge.build.KINDS`).
Answers are cached in ``$AUDIT_HOME/cache/web.sqlite3`` by name, so a re-audit asks nothing.
It serves KNW001; KNW002 (names near a known label) needs an index built from a dump, since
the API has no look-up by nearness.

``AUDIT_WIKIDATA_API`` points it at another MediaWiki API (a mirror, or a test server).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audit import __version__
from audit.errors import UsageError
from audit.knowledge.build import EN_LANGS, KINDS, _classes, _values
from audit.knowledge.index import Item, en_key, ja_key

API = "https://www.wikidata.org/w/api.php"
SEARCH_LIMIT = 5
TIMEOUT_S = 15.0
USER_AGENT = f"mt-audit/{__version__} (https://github.com/mt-audit/mt-audit; translation QA)"


class WikidataOnline:
    """The look-ups KNW001 makes, answered by Wikidata's API through a cache."""

    def __init__(self, cache_path: Path | None, api: str | None = None):
        if os.environ.get("AUDIT_ALLOW_DOWNLOADS") != "1":
            raise UsageError(
                "--knowledge wikidata asks Wikidata's API online: set AUDIT_ALLOW_DOWNLOADS=1, "
                "or build an index from a dump (audit knowledge build DUMP -o INDEX)"
            )
        self.api = api or os.environ.get("AUDIT_WIKIDATA_API") or API
        self.meta = {"source": "Wikidata API", "api": self.api}
        self.requests = 0
        self.problem: str | None = None
        self._cache: Any = None
        if cache_path is not None:
            from audit.backtranslate.cache import Cache

            self._cache = Cache(cache_path)
        self._items: dict[str, list[Item]] = {}

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    def signature(self) -> str:
        host = urllib.parse.urlsplit(self.api).netloc
        return f"knowledge:wikidata-api@{host}"

    def describe(self) -> dict[str, str]:
        return dict(self.meta)

    def _get(self, **params: str) -> Any:
        url = f"{self.api}?{urllib.parse.urlencode({**params, 'format': 'json'})}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as resp:  # noqa: S310 - http(s) API URL
                return json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.problem = f"Wikidata API unreachable or unreadable ({type(exc).__name__})"
            return None

    def by_english(self, name: str) -> list[Item]:
        key = en_key(name)
        if key in self._items:
            return self._items[key]
        cache_key = f"wikidata:{self.api}:{key}"
        stored = self._cache.get_text("web", cache_key) if self._cache is not None else None
        if stored is not None:
            items = [Item(d["qid"], d["en"], d["ja"], d["kind"], tuple(d["ja_forms"])) for d in json.loads(stored)]
        else:
            found = self._lookup(name, key)
            if found is None:  # unreachable: not cached, asked again next time
                return []
            items = found
            if self._cache is not None:
                self._cache.put_text("web", cache_key, json.dumps([i.__dict__ for i in items], ensure_ascii=False))
        self._items[key] = items
        return items

    def _lookup(self, name: str, key: str) -> list[Item] | None:
        found = self._get(action="wbsearchentities", search=name, language="en", uselang="en", type="item", limit=str(SEARCH_LIMIT))
        if found is None:
            return None
        ids = [
            r["id"] for r in found.get("search", [])
            if isinstance(r, dict) and isinstance(r.get("id"), str) and en_key(str((r.get("match") or {}).get("text", r.get("label", "")))) == key
        ]  # fmt: skip
        if not ids:
            return []
        data = self._get(action="wbgetentities", ids="|".join(ids), props="labels|aliases|claims", languages="en|ja|mul")
        if data is None:
            return None
        items = []
        for qid in ids:
            entity = (data.get("entities") or {}).get(qid)
            if not isinstance(entity, dict):
                continue
            en = _values(entity, "labels", EN_LANGS) + _values(entity, "aliases", EN_LANGS)
            ja = list(dict.fromkeys(_values(entity, "labels", ("ja",)) + _values(entity, "aliases", ("ja",))))
            kinds = [KINDS[c] for c in _classes(entity) if c in KINDS]
            if en and ja and kinds:
                items.append(Item(qid, en[0], ja[0], kinds[0], tuple(ja)))
        return items

    def english_known(self, names: Iterable[str]) -> set[str]:
        return {en_key(n) for n in names if self.by_english(n)}

    def is_japanese_form(self, name: str) -> bool:
        key = ja_key(name)
        return any(ja_key(f) == key for items in self._items.values() for i in items for f in i.ja_forms)

    def near_labels(self, name: str) -> list[Item]:
        return []  # the API has no look-up by nearness: KNW002 needs a dump index
