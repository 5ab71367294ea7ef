"""Building a knowledge index from a large Wikidata dump: time and peak memory stay flat.

Writes a dump in Wikidata's JSON format (a JSON array, one entity per line, gzip-compressed as
Wikidata publishes it) of about ``--mb`` megabytes uncompressed. Entities are shaped like real
ones: labels, descriptions and aliases in a dozen languages, P31 claims, sitelinks. A quarter of
them are people or organisations with English and Japanese labels (kept); the rest are not.
Then it runs ``audit knowledge build`` in a child process at two sizes and prints, as JSON, the
wall time, the throughput and the child's peak resident memory: memory that does not grow with
the dump is what "streaming" means here.

Run: ``python benchmarks/knowledge_bench.py [--mb 1000]`` (``nox -s bench`` runs it at 200 MB).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = ("import resource, sys\nfrom audit.cli import main\ncode = main(sys.argv[1:])\n"
          "sys.stderr.write(f'maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}')\nsys.exit(code)")
LANGS = ("en", "ja", "de", "fr", "es", "it", "nl", "pt", "ru", "zh", "ko", "ar")
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def entity(n: int, rng: random.Random) -> dict:
    name = " ".join(rng.choice("ABCDEFGHIJKLMNOPRSTW") + "".join(rng.choices("aeioulnrst", k=rng.randint(3, 8))) for _ in range(2))
    kept = n % 4 == 0
    labels = {lang: {"language": lang, "value": f"{name} {lang}"} for lang in LANGS if lang != "ja" or kept}
    if kept:
        labels["ja"] = {"language": "ja", "value": "".join(rng.choices(KATAKANA, k=4)) + "・" + "".join(rng.choices(KATAKANA, k=5))}
    cls = rng.choice(("Q5", "Q43229")) if kept else rng.choice(("Q13442814", "Q4167836", "Q16521"))
    return {
        "type": "item", "id": f"Q{n}", "labels": labels,
        "descriptions": {lang: {"language": lang, "value": f"description of item {n} in {lang} " * 3} for lang in LANGS},
        "aliases": {lang: [{"language": lang, "value": f"{name} alias {k}"} for k in range(2)] for lang in LANGS[:6]},
        "claims": {"P31": [{"mainsnak": {"snaktype": "value", "property": "P31", "datavalue": {"value": {"entity-type": "item", "numeric-id": int(cls[1:]), "id": cls}, "type": "wikibase-entityid"}, "datatype": "wikibase-item"}, "type": "statement", "rank": "normal"}]},
        "sitelinks": {f"{lang}wiki": {"site": f"{lang}wiki", "title": name, "badges": []} for lang in LANGS[:8]},
        "lastrevid": n, "modified": "2026-11-30T00:00:00Z",
    }  # fmt: skip


def write_dump(path: Path, megabytes: float) -> tuple[int, int]:
    rng = random.Random(7)
    limit = int(megabytes * 1e6)
    written = n = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write("[\n")
        while written < limit:
            n += 1
            line = json.dumps(entity(n, rng), ensure_ascii=False)
            out.write(("" if n == 1 else ",\n") + line)
            written += len(line.encode()) + 2
        out.write("\n]\n")
    return n, written


def run(dump: Path, index: Path) -> dict:
    clock = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "knowledge", "build", str(dump), "-o", str(index)],
                          capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - clock
    rss = int(proc.stderr.rsplit("maxrss ", 1)[-1]) if "maxrss " in proc.stderr else None
    return {"exit": proc.returncode, "wall_s": round(wall, 1), "peak_rss_mb": round(rss / 1024) if rss else None,
            "index_mb": round(index.stat().st_size / 1e6, 1) if index.exists() else None,
            "summary": proc.stderr.split("maxrss")[0].strip()[-300:]}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=200.0, help="uncompressed size of the larger dump (the smaller is a tenth)")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (args.mb / 10, args.mb):
            dump = Path(tmp) / f"dump-{mb:g}.json.gz"
            entities, size = write_dump(dump, mb)
            r = run(dump, Path(tmp) / f"index-{mb:g}.kb")
            r.update(entities=entities, uncompressed_mb=round(size / 1e6), compressed_mb=round(dump.stat().st_size / 1e6),
                     mb_per_s=round(size / 1e6 / r["wall_s"], 1))  # fmt: skip
            results[f"{mb:g} MB"] = r
            dump.unlink()
    print(json.dumps(results, indent=1, ensure_ascii=False))
    return 0 if all(r["exit"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
