"""Official names from Wikidata: an index of English and Japanese labels that name checks use.

- :mod:`.build` streams a Wikidata JSON dump (``latest-all.json.gz`` or a filtered extract of
  it) into a compact SQLite index (``audit knowledge build DUMP -o INDEX``);
- :mod:`.index` opens it (``--knowledge INDEX``) and answers what the checks ask: which items an
  English name names, which Japanese forms an item has, which known labels a Japanese name is one
  character or one kana away from.

The rules that use it are KNW001 and KNW002 (:mod:`audit.checks.knowledge`).
"""

from audit.knowledge.index import Item, Knowledge, load

__all__ = ["Item", "Knowledge", "load"]
