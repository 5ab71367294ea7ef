"""Name checks (NAM001) on WMT22 en-ja: false alarms on clean pairs, recall on injected manglings.

Documents are runs of 40 consecutive lines (the test set's lines come in documents), so the
source vocabulary a document provides is realistic. Two kinds of injected error, each into the
katakana of the reference that renders a name of the source:
- ``mangle``: two of its kana (not ー) replaced by random other kana (a misspelt transliteration);
- ``swap``: the word replaced by a katakana word rendering a name from elsewhere in the corpus
  (a different entity);
- ``one_kana``: one kana inserted, replaced or dropped (リーグブス for リーブス), a third of each:
  how real machine translation mangles names, one kana off;
- ``variant``: a spelling a translator would accept (ヴ for ブ or back, a long vowel added or
  dropped): these must pass, so the share of lines newly flagged (flagged once respelt, not
  before) is a false-alarm rate.

The mangled documents are also audited without their source, where only NAM002 (implausible
katakana) can see a misspelling. NAM003 (an organisation rendered as another one) is measured
on JMnedict entity pairs in template sentences (``entity_swaps``): WMT22 names few of them.
CON005 (one source name rendered two ways) is measured in ``term_variants``: its findings on the
references and on the 13 systems' outputs, and recall when the reference's last rendering of a
recurring name is replaced by a system's different rendering of it. CON001 (one katakana word
spelt two ways, target-only) is measured in ``katakana_variants``; CON006 (one person's kanji
name written two ways) on JMnedict persons in template documents (``person_name_variants``);
NAM004 (a titled kanji name one read-alike character from a known person's) on JMnedict's
persons misspelt and taken as unknown (``near_known_persons``); ACR004 (a kanji expansion with a
word that stands for no letter of its acronym) on JMdict's kanji names of acronyms
(``acronym_expansions``); CON007 (a kanji name also written in katakana) on the references and
systems, and on reference names respelt in katakana (``katakana_kanji_names``); CON008 (two
people listed with one sole office) on template sentences and WMT22 text (``one_office_two_people``).

Run: ``python benchmarks/names_eval.py [--seed 7]`` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, JA_EN, read_lines, translations  # noqa: E402
from wmt import outputs as outputs_of  # noqa: E402

DATA = EN_JA

from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.checks.names import OK_SIMILARITY, _candidates  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402
from audit.lexicon.kana import kana_key, similarity  # noqa: E402
from audit.lexicon.names import Dictionary  # noqa: E402
from audit.lexicon.transliteration import KATAKANA_PIECE, transliterate  # noqa: E402
from audit.model import Bead  # noqa: E402

KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
_ROWS = ["アイウエオ", "カキクケコ", "ガギグゲゴ", "サシスセソ", "ザジズゼゾ", "タチツテト", "ダヂヅデド", "ナニヌネノ",
         "ハヒフヘホ", "バビブベボ", "パピプペポ", "マミムメモ", "ヤユヨ", "ラリルレロ"]
_VOICING = dict(zip("カキクケコサシスセソタチツテトハヒフヘホ", "ガギグゲゴザジズゼゾダヂヅデドバビブベボ", strict=True))
# kana that a transliteration may write for each other: another vowel of the same consonant, or voiced/unvoiced
_ALIKE: dict[str, list[str]] = {
    ch: [c for c in row if c != ch] + [v for v in (_VOICING.get(ch), *(k for k, x in _VOICING.items() if x == ch)) if v]
    for row in _ROWS for ch in row
}


_SMALL_AFTER = set("ァィゥェォャュョッ")


def one_kana_off(run: str, rng: random.Random) -> str:
    """``run`` with one kana inserted, replaced or dropped (not ー or a small kana: those are
    spellings transliterations legitimately vary on); the same run when it cannot take one."""
    spots = [i for i, ch in enumerate(run) if ch != "ー" and ch not in _SMALL_AFTER and ch != "・"]
    if len(spots) < 3:
        return run
    pos = rng.choice(spots)
    how = rng.choice(("insert", "replace", "drop"))
    if how == "insert":
        return run[:pos] + rng.choice(KANA) + run[pos:]
    if how == "drop":
        if pos + 1 < len(run) and run[pos + 1] in _SMALL_AFTER:
            return run  # dropping ティ's テ leaves a stray small kana: not one kana off
        return run[:pos] + run[pos + 1 :]
    return run[:pos] + rng.choice([k for k in KANA if k != run[pos]]) + run[pos + 1 :]


def accepted_variant(run: str, rng: random.Random) -> str:
    """``run`` spelt another way a translator accepts: ヴ ↔ ブ, or a long vowel mark added or dropped."""
    if "ヴ" in run:
        return run.replace("ヴァ", "バ").replace("ヴィ", "ビ").replace("ヴェ", "ベ").replace("ヴォ", "ボ").replace("ヴ", "ブ")
    if "ー" in run:
        i = rng.choice([i for i, ch in enumerate(run) if ch == "ー"])
        return run[:i] + run[i + 1 :]
    spots = [i for i, ch in enumerate(run[:-1]) if ch not in "・ッン" and run[i + 1] not in _SMALL_AFTER and i > 0]
    if not spots:
        return run
    i = rng.choice(spots) + 1
    return run[:i] + "ー" + run[i:]


def flagged(src: list[str], tgt: list[str], codes: tuple[str, ...] = ("NAM",)) -> set[int]:
    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
    ctx = Context(target=tdoc, source=sdoc, alignment=tuple(Bead((i,), (i,)) for i in range(len(src))))
    findings, _ = run_rules(ctx, select_rules(codes))
    return {tdoc.segment_at(f.target.start).id for f in findings if f.target}


def flagged_target_only(tgt: list[str]) -> set[int]:
    """Sentences NAM002 flags with no source: the target-only view of the same documents."""
    tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
    findings, _ = run_rules(Context(target=tdoc), select_rules(("NAM002",)))
    return {tdoc.segment_at(f.target.start).id for f in findings if f.target}


def entity_swaps(rng: random.Random, n: int = 300) -> dict[str, object]:
    """NAM003 on organisations swapped for a sibling: pairs of JMnedict entities sharing their
    first English word and first two characters (三菱商事 / 三菱重工業), each English name in a
    template sentence whose translation holds the right form, then the sibling's form."""
    from audit.lexicon.names import EntityIndex

    index = EntityIndex.shared()
    pairs = []
    for key, own in sorted(index.forms.items()):
        for other in index.siblings(key):
            written = sorted(f for f in index.forms[other] if f not in own and any(f[:2] == g[:2] for g in own))
            if written:
                pairs.append((key, sorted(own)[0], rng.choice(written)))
    if not pairs:
        return {"skipped": "jamdict-data not installed"}
    sample = rng.sample(pairs, min(n, len(pairs)))
    src = [f"Officials from {index.display.get(k, k)} attended the meeting on Tuesday." for k, _, _ in sample]
    right = [f"火曜日の会合には{g}の担当者が出席した。" for _, g, _ in sample]
    swapped = [f"火曜日の会合には{b}の担当者が出席した。" for _, _, b in sample]
    found, clean = flagged(src, swapped, ("NAM003",)), flagged(src, right, ("NAM003",))
    return {"pairs": len(sample), "recall": round(len(found) / len(sample), 3), "right_form_flagged": len(clean)}


def person_name_variants(rng: random.Random, n: int = 300) -> dict[str, object]:
    """CON006 on template documents built from JMnedict persons (kanji full names that split into
    a JMnedict surname and given name): a full name with an office title, then a surname with the
    same title. ``same_person_flagged``: the surname is the person's own (must stay 0);
    ``other_person_flagged``: another person's surname, as in a document naming two office-holders
    with one title, one in full and one by surname alone: the share that reads alike by chance."""
    from audit.lexicon.names import _jamdict_path

    path = _jamdict_path()
    if path is None:
        return {"skipped": "jamdict-data not installed"}
    import re
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = ("SELECT DISTINCT k.text FROM NEKanji k JOIN NETranslation t ON t.idseq = k.idseq "
         "JOIN NETransType y ON y.tid = t.ID WHERE y.text = ?")
    kinds = {kind: {r[0] for r in db.execute(q, (kind,)) if re.fullmatch(r"[\u4e00-\u9fff]+", r[0])}
             for kind in ("surname", "given", "person")}
    db.close()
    persons = []
    for p in sorted(kinds["person"]):
        for k in (1, 2):
            if 3 <= len(p) <= 4 and p[:k] in kinds["surname"] and p[k:] in kinds["given"]:
                persons.append((p, p[:k]))
                break
    out: dict[str, object] = {"persons": len(persons)}
    for length in (1, 2):
        pool = [x for x in persons if len(x[1]) == length]
        same = other = 0
        draws = [rng.sample(pool, 2) for _ in range(n)]
        for (full, surname), (_, someone) in draws:
            doc = f"{full}大統領は会見で述べた。\n{{}}大統領は協力を約束した。"
            ctx = Context(target=document_from_text(doc.format(surname), "ja"))
            same += bool(run_rules(ctx, select_rules(("CON006",)))[0])
            if someone != surname:
                ctx = Context(target=document_from_text(doc.format(someone), "ja"))
                other += bool(run_rules(ctx, select_rules(("CON006",)))[0])
        out[f"surname_of_{length}"] = {"documents": n, "same_person_flagged": same,
                                       "other_person_flagged": round(other / n, 3)}
    return out


def near_known_persons(rng: random.Random, n: int = 400) -> dict[str, object]:
    """NAM004 on known people (``PersonIndex``): ``recall``, a known name with one character
    replaced by a common kanji (KANJIDIC2 grade 1-8) read alike, in a template sentence with an
    office title, the misspelt form being no dictionary word or name; ``persons_flagged``, JMnedict's
    persons of three or four kanji each taken as unknown (compared with every other known person,
    as a name missing from the dictionary would be): the share that some known person lies one
    read-alike character from, by chance. Split by whether the name splits into a known surname and
    given name (``ordinary``, as most Japanese names do) and, for recall, by foreign known names."""
    from audit.checks.entities import near_known_person_of
    from audit.lexicon.names import PersonIndex, _jamdict_path, read_alike

    people, dictionary = PersonIndex.shared(), Dictionary.shared()
    path = _jamdict_path()
    if not people.available or path is None:
        return {"skipped": "jamdict-data not installed"}
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    common = sorted(c for (c,) in db.execute("SELECT literal FROM character WHERE grade BETWEEN 1 AND 8"))
    persons = sorted({k for (k,) in db.execute(
        "SELECT k.text FROM NEKanji k JOIN NETranslation t ON t.idseq = k.idseq JOIN NETransType y ON y.tid = t.ID "
        "WHERE y.text = 'person' AND length(k.text) IN (3, 4)")})
    db.close()
    by_reading: dict[str, list[str]] = {}
    for c in common:
        for r in dictionary.kanji_readings(c):
            by_reading.setdefault(r, []).append(c)
    known = people.known_persons()
    out: dict[str, object] = {"known_persons": len(known), "foreign": sum(p.foreign for p in known)}
    for group, pool in (("foreign", [p.name for p in known if p.foreign]), ("other", [p.name for p in known if not p.foreign])):
        tried = found = 0
        for known in rng.sample(pool, min(n, len(pool))):
            i = rng.randrange(len(known))
            subs = sorted({d for r in dictionary.kanji_readings(known[i]) for d in by_reading.get(r, ())
                           if d != known[i] and read_alike(known[i], d)})
            bad = known[:i] + rng.choice(subs) + known[i + 1 :] if subs else ""
            if not bad or dictionary.word_glosses(bad):
                continue
            tried += 1
            ctx = Context(target=document_from_text(f"{bad}大統領は会見で述べた。", "ja"))
            found += bool(run_rules(ctx, select_rules(("NAM004",)))[0])
        out[f"recall_{group}"] = {"misspelt": tried, "flagged": found, "recall": round(found / max(tried, 1), 3)}
    sample = [p for p in rng.sample(persons, min(4 * n, len(persons))) if re.fullmatch(r"[\u4e00-\u9fff々]+", p)]
    for kind, names in (("ordinary", [p for p in sample if people.splits(p)]), ("other", [p for p in sample if not people.splits(p)])):
        hits = sum(near_known_person_of(p, people, dictionary) is not None for p in names)
        out[f"persons_flagged_{kind}"] = {"persons": len(names), "flagged": hits, "share": round(hits / max(len(names), 1), 4)}
    return out


def katakana_kanji_names(docs: list[tuple[list[str], list[str]]]) -> dict[str, object]:
    """CON007 without the source: its findings on the clean references and on the 13 systems'
    outputs (documents of the same lines), and recall when the last occurrence of a kanji proper
    noun that a reference document writes twice or more is replaced by its reading in katakana
    (``reading``: 岸田 → キシダ), or by that reading with its long vowels written ー, as a name
    transliterated back from romaji reads (``long_vowel``: 東京 → トーキョー); the documents to
    respell are the references' and WMT22 ja-en's Japanese sources' (which are clean too)."""
    from audit.lexicon.tokens import Tokenizer

    tokenizer = Tokenizer.shared()
    outputs = translations(DATA)
    o_row, e_row = set("オコソトノホモヨロゴゾドボポョ"), set("エケセテネヘメレゲゼデベペ")

    def lengthened(kana: str) -> str:
        return "".join("ー" if i and ((ch == "ウ" and kana[i - 1] in o_row) or (ch == "イ" and kana[i - 1] in e_row)) else ch
                       for i, ch in enumerate(kana))

    def con007(tgt: list[str]) -> list[str]:
        tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
        return [f.target.text for f in run_rules(Context(target=tdoc), select_rules(("CON007",)))[0] if f.target]

    findings: dict[str, list[str]] = {}
    at = 0
    for src, _ in docs:
        for name, lines in outputs.items():
            findings.setdefault(name, []).extend(con007([(x or "。") for x in lines[at : at + len(src)]]))
        at += len(src)
    # Japanese written as such names far more people and places than translations from English:
    # WMT22 ja-en's sources join the references as documents to respell
    native = DATA.parent.joinpath("ja-en", "source.ja")
    lines = outputs["reference"] + (read_lines(native) if native.is_file() else [])
    findings["ja-en source"] = []
    recall = {"reading": [0, 0], "long_vowel": [0, 0]}
    for at in range(0, len(lines), len(docs[0][0])):
        tgt = [(x or "。") for x in lines[at : at + len(docs[0][0])]]
        if at >= len(outputs["reference"]):
            findings["ja-en source"].extend(con007(tgt))
        where: dict[str, list[tuple[int, int, str]]] = {}
        for i, line in enumerate(tgt):
            for tok in tokenizer.tokenize(line):
                if tok.is_proper and len(tok.surface) >= 2 and re.fullmatch(r"[\u4e00-\u9fff々]+", tok.surface) and len(kana_key(tok.reading)) >= 3:
                    where.setdefault(tok.surface, []).append((i, tok.begin, tok.reading))
        for word, spots in where.items():
            if len(spots) < 2 or word == "日本":
                continue
            i, start, reading = spots[-1]
            for kind in recall:
                new = reading if kind == "reading" else lengthened(reading)
                if kind == "long_vowel" and new == reading:
                    continue
                bad = list(tgt)
                bad[i] = tgt[i][:start] + new + tgt[i][start + len(word) :]
                recall[kind][1] += 1
                recall[kind][0] += new in con007(bad)
    return {
        "findings_on_references": findings["reference"],
        "findings_on_ja_en_sources": findings.pop("ja-en source"),
        "findings_on_systems": {name: found for name, found in findings.items() if name != "reference" and found},
        **{kind: {"found": f, "injected": n, "recall": round(f / max(n, 1), 3)} for kind, (f, n) in recall.items()},
    }

def one_office_two_people(rng: random.Random, n: int = 300) -> dict[str, object]:
    """CON008 without the source: ``recall``, two JMnedict persons of four kanji that the tokenizer
    reads as a surname of two kanji and a given name, listed with one minister's office in a template sentence (A外相、B外相らが出席した); ``mixed_flagged``,
    the same two with different offices (it must stay quiet); ``findings`` on all WMT22 Japanese
    text (the en-ja references and 13 systems' outputs, the ja-en sources), with the number of
    sentences there that list two titled Japanese full names side by side at all."""
    from audit.checks.people import _OFFICE_LIST, _office_holder
    from audit.lexicon.names import _jamdict_path

    path = _jamdict_path()
    if path is None:
        return {"skipped": "jamdict-data not installed"}
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    persons = sorted({k for (k,) in db.execute(
        "SELECT k.text FROM NEKanji k JOIN NETranslation t ON t.idseq = k.idseq JOIN NETransType y ON y.tid = t.ID "
        "WHERE y.text = 'person' AND length(k.text) = 4")})
    db.close()
    titles = ["首相", "外相", "防衛相", "財務相", "官房長官", "経済産業大臣", "外務大臣"]
    probe = Context(target=document_from_text("。", "ja"))  # for its tokenizer

    def con008(text: str) -> int:
        return len(run_rules(Context(target=document_from_text(text, "ja")), select_rules(("CON008",)))[0])

    found = mixed = tried = 0
    for a, b in (rng.sample(persons, 2) for _ in range(n)):
        t, u = rng.sample(titles, 2)
        if _office_holder(probe, a + t) is None or _office_holder(probe, b + t) is None:
            continue  # not read as Japanese full names: out of CON008's scope
        tried += 1
        found += con008(f"{a}{t}、{b}{t}らが出席した。") > 0
        mixed += con008(f"{a}{t}、{b}{u}らが出席した。") > 0
    texts = [*outputs_of(DATA), JA_EN / "source.ja"]
    lines = [x for p in texts if p.is_file() for x in read_lines(p)]
    listed = sum(1 for x in lines for m in _OFFICE_LIST.finditer(x) if _office_holder(probe, m.group(1)) and _office_holder(probe, m.group(3)))
    findings = [f.target.text for i in range(0, len(lines), 40) for f in run_rules(
        Context(target=document_from_text("\n".join(x or "。" for x in lines[i : i + 40]), "ja", presegmented=True)),
        select_rules(("CON008",)))[0] if f.target]
    return {"pairs": tried, "recall": round(found / max(tried, 1), 3), "mixed_flagged": mixed,
            "wmt22_sentences_listing_two_titled_names": listed, "wmt22_findings": findings}

class _Without:
    """The shared dictionary with one written form taken out: a name measured as if the
    dictionary did not list it (leave-one-out)."""

    available = True

    def __init__(self, base: Dictionary, hidden: str):
        self.base, self.hidden = base, hidden

    def jmdict_glosses(self, form: str) -> tuple[str, ...]:
        return () if form == self.hidden else self.base.jmdict_glosses(form)

    def jmdict_senses(self, form: str) -> tuple[tuple[str, ...], ...]:
        return () if form == self.hidden else self.base.jmdict_senses(form)

    def listed(self, form: str) -> bool:
        return form != self.hidden and self.base.listed(form)

    def compounds(self, part: str, limit: int = 400) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(c for c in self.base.compounds(part, limit) if c[0] != self.hidden)


def acronym_expansions(rng: random.Random) -> dict[str, object]:
    """ACR004 on JMdict's own Japanese names of acronyms: entries written in kanji (with katakana
    or ・) that have an acronym among their glosses and another gloss whose words' initials spell
    it (欧州中央銀行: "European Central Bank", ECB). ``clean_share``: the share reported, each
    entry taken as unknown (names the dictionary lists are never reported, so this is the rate
    on official names it lacks; JMdict's are mostly technical terms, rendered by meaning more often
    than the names of institutions). ``recall``: a word that alone stands for a letter replaced by
    a common word (a two-kanji word JMdict marks news1 or ichi1) that stands for no letter of the
    acronym, the result being no dictionary word: a word swapped for one of another meaning."""
    from audit.lexicon.acronyms import FUNCTION_LETTERS, expansion_mismatch, split_words, word_letters
    from audit.lexicon.names import _jamdict_path

    base, path = Dictionary.shared(), _jamdict_path()
    if not base.available or path is None:
        return {"skipped": "jamdict-data not installed"}
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT k.text, group_concat(g.text, ' | ') FROM Kanji k JOIN Sense s ON s.idseq = k.idseq "
        "JOIN SenseGloss g ON g.sid = s.ID GROUP BY k.idseq, k.text").fetchall()
    common = sorted({k for (k,) in db.execute(
        "SELECT k.text FROM Kanji k JOIN KJP p ON p.kid = k.ID WHERE p.text IN ('news1', 'ichi1') AND length(k.text) = 2")})
    db.close()
    stop = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "and", "or"}
    pairs: list[tuple[str, str]] = []
    for form, glosses in sorted(rows):
        if len(form) < 3 or not re.fullmatch(r"[\u4e00-\u9fff々ァ-ヺー・]+", form) or not re.search(r"[\u4e00-\u9fff]", form):
            continue
        parts = glosses.split(" | ")
        for acronym in (g for g in parts if re.fullmatch(r"[A-Z]{2,8}", g)):
            if any("".join(w[0].upper() for w in re.findall(r"[A-Za-z]+", g.replace("-", " ")) if w.lower() not in stop) == acronym
                   for g in parts if g != acronym):
                pairs.append((form, acronym))
                break
    flagged: list[str] = []
    for form, acronym in pairs:
        if expansion_mismatch(form, acronym, _Without(base, form)) is not None:  # type: ignore[arg-type]
            flagged.append(f"{form}({acronym})")
    tried = found = 0
    for form, acronym in rng.sample(pairs, min(300, len(pairs))):
        alone = _Without(base, form)
        words = split_words(form, alone)  # type: ignore[arg-type]
        stands = [word_letters(w, alone)[0] for w in words]  # type: ignore[arg-type]
        sole = [i for i, s in enumerate(stands)
                if any(ch in s and ch not in FUNCTION_LETTERS and not any(ch in o for j, o in enumerate(stands) if j != i) for ch in acronym)]
        if not sole:
            continue
        i = rng.choice(sole)
        new = form.replace(words[i], rng.choice([w for w in common if not word_letters(w, base)[0] & set(acronym)]), 1)
        if base.listed(new):
            continue
        tried += 1
        found += expansion_mismatch(new, acronym, alone) is not None  # type: ignore[arg-type]
    return {
        "names": len(pairs), "clean_flagged": len(flagged), "clean_share": round(len(flagged) / max(len(pairs), 1), 4),
        "flagged_examples": flagged[:8], "injected": tried, "recall": round(found / max(tried, 1), 3),
    }

def name_runs(en: str, ja: str, vocab: frozenset[str]) -> list[tuple[str, str]]:
    """(name, katakana in ja) pairs where the katakana renders the name.

    The katakana is the stretch of one katakana word (split at ・) whose phonetic key is most
    similar to e2k's rendering of the name, so that a mangle lands in the name and not in a word
    glued to it (ワシントンポスト for "Washington"). Chosen by key similarity, not by the model
    NAM001 scores with. Stretches written twice in the sentence are left out: changing one copy
    leaves the name correctly rendered in the other.
    """
    out = []
    pieces = [p for p in KATAKANA_PIECE.findall(ja) if len(p) >= 2]
    for m in _candidates(en, vocab, Dictionary.shared()):
        key = kana_key(transliterate(m.group(0)))
        best, found = 0.0, ""
        for p in pieces:
            for i in range(len(p)):
                for j in range(i + 2, len(p) + 1):
                    r = similarity(key, kana_key(p[i:j]))
                    if r > best:
                        best, found = r, p[i:j]
        if best >= OK_SIMILARITY and len(found) >= 3 and ja.count(found) == 1:  # else a copy stays intact
            out.append((m.group(0), found))
    return out


def _context(src: list[str], tgt: list[str]) -> Context:
    from audit.embedders import resolve_embedder

    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
    beads = tuple(Bead((i,), (i,)) for i in range(len(src)))
    return Context(target=tdoc, source=sdoc, alignment=beads, embedder=resolve_embedder(None))


def term_variants(docs: list[tuple[list[str], list[str]]]) -> dict[str, object]:
    """CON005 on the references and the 13 systems' outputs (every finding is listed), and on
    injected variants: in each document, the reference's last rendering of a name it renders
    one way is replaced by a different rendering of that same occurrence by one of the systems
    (a real alternative: 李教授 for リー教授, クリスタル山 for クリスタルマウンテン)."""
    from audit.checks.consistency import _same_rendering, term_renderings

    outputs = translations(DATA)
    findings: dict[str, list[str]] = {}
    caught = total = 0
    at = 0
    for src, _ in docs:
        per_output = {}
        for name, lines in outputs.items():
            tgt = [(x or "。").replace("\n", " ") for x in lines[at : at + len(src)]]
            ctx = _context(src, tgt)
            findings.setdefault(name, []).extend(f.message for f in run_rules(ctx, select_rules(("CON005",)))[0])
            per_output[name] = (tgt, ctx, term_renderings(ctx))
        at += len(src)
        ref_tgt, ref_ctx, ref_renderings = per_output.pop("reference")
        for term, found in ref_renderings.items():
            if len(found) < 2 or len({r.form for r in found}) > 1:
                continue  # only names the reference renders one way
            last = found[-1]
            seg = ref_ctx.target.segment_at(last.start)
            tried = set()
            for _tgt, _ctx, renderings in per_output.values():
                other = next((r for r in renderings.get(term, []) if r.source_start == last.source_start), None)
                if other is None or other.form in tried or _same_rendering(other, last):
                    continue
                tried.add(other.form)
                bad = list(ref_tgt)
                bad[seg.id] = seg.text[: last.start - seg.start] + other.form + seg.text[last.end - seg.start :]
                hits = run_rules(_context(src, bad), select_rules(("CON005",)))[0]
                total += 1
                caught += any(f.evidence["term"] == term for f in hits)
    backwards = 0  # the ja-en set read backwards: Japanese originals as the translations of their English
    ja_en = DATA.parent / "ja-en"
    if (ja_en / "source.ja").is_file():
        en = read_lines(ja_en / "reference.en")
        ja = read_lines(ja_en / "source.ja")
        for i in range(0, len(en), 40):
            ctx = _context(en[i : i + 40], [x or "。" for x in ja[i : i + 40]])
            backwards += len(run_rules(ctx, select_rules(("CON005",)))[0])
    return {
        "findings_on_ja_en_read_backwards": backwards,
        "findings_on_references": findings.pop("reference"),
        "findings_on_systems": {name: found for name, found in findings.items() if found},
        "system_renderings_injected": {"found": caught, "injected": total, "recall": round(caught / max(total, 1), 3)},
    }


def katakana_variants(rng: random.Random, docs: list[tuple[list[str], list[str]]]) -> dict[str, object]:
    """CON001 without the source: its findings on the clean references and on the 13 systems'
    outputs (documents of the same lines), and recall when one occurrence of a katakana word
    that a reference document writes twice or more is respelt: ``long_vowel`` drops or adds a
    final ー (コンピューター / コンピュータ), ``one_kana`` replaces one kana of a word of six kana
    or more (a misspelt name: ハリントン / ハリンドン); ``surname`` replaces one kana of a surname
    written alone that the document also writes in a full name with ・ (ハリソン … ハリスン氏),
    with ``surname_4_kana`` the share found among surnames of four kana or more."""
    from audit.checks.consistency import katakana_key
    from audit.lexicon.script import KATAKANA_RUN

    outputs = translations(DATA)

    def con001(tgt: list[str]) -> list[str]:
        tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
        return [f.message for f in run_rules(Context(target=tdoc), select_rules(("CON001",)))[0]]

    findings: dict[str, list[str]] = {}
    recall = {"long_vowel": [0, 0], "one_kana": [0, 0], "surname": [0, 0], "surname_4_kana": [0, 0]}
    surname_rng = random.Random()
    surname_rng.setstate(rng.getstate())  # its own draws: the other kinds' stay as they were
    at = 0
    for src, _ in docs:
        for name, lines in outputs.items():
            findings.setdefault(name, []).extend(con001([(x or "。") for x in lines[at : at + len(src)]]))
        tgt = [(x or "。") for x in outputs["reference"][at : at + len(src)]]
        at += len(src)
        where: dict[str, list[tuple[int, int]]] = {}
        for i, line in enumerate(tgt):
            for m in KATAKANA_RUN.finditer(line):
                if "・" not in m.group() and len(m.group().replace("ー", "")) >= 4:
                    where.setdefault(m.group(), []).append((i, m.start()))
        for word, spots in where.items():
            if len(spots) < 2:
                continue
            i, start = spots[-1]
            for kind in ("long_vowel", "one_kana"):
                if kind == "long_vowel":
                    new = word[:-1] if word.endswith("ー") else word + "ー"
                else:
                    kana = [k for k, ch in enumerate(word) if ch != "ー"]
                    if len(kana) < 6:
                        continue
                    k = rng.choice(kana)
                    new = word[:k] + rng.choice([c for c in KANA if c != word[k]]) + word[k + 1 :]
                bad = list(tgt)
                bad[i] = tgt[i][:start] + new + tgt[i][start + len(word) :]
                recall[kind][1] += 1
                recall[kind][0] += any(f"「{new}」" in m for m in con001(bad))
        runs = [(i, m) for i, line in enumerate(tgt) for m in KATAKANA_RUN.finditer(line)]
        surnames = {m.group().split("・")[-1] for _, m in runs if "・" in m.group()}
        alone = {m.group(): (i, m.start()) for i, m in runs if m.group() in surnames}  # its last mention
        for word, (i, start) in alone.items():
            kana = [k for k, ch in enumerate(word) if ch != "ー"]
            k = surname_rng.choice(kana)
            new = word[:k] + surname_rng.choice([c for c in KANA if c != word[k]]) + word[k + 1 :]
            bad = list(tgt)
            bad[i] = tgt[i][:start] + new + tgt[i][start + len(word) :]
            found = any(f"「{new}」" in m for m in con001(bad))
            for kind in ("surname", "surname_4_kana") if len(katakana_key(word)) >= 4 else ("surname",):
                recall[kind][1] += 1
                recall[kind][0] += found
    return {
        "findings_on_references": len(findings["reference"]),
        "findings_on_systems": {name: len(found) for name, found in findings.items() if name != "reference"},
        **{kind: {"found": f, "injected": n, "recall": round(f / max(n, 1), 3)} for kind, (f, n) in recall.items()},
    }


def original_beside(rng: random.Random, docs: list[tuple[list[str], list[str]]],
                    per_doc_runs: list[list[list[tuple[str, str]]]]) -> dict[str, object]:
    """NAM005 without the source: each name of the English source that a reference sentence
    renders in katakana (``name_runs``) is written beside its katakana in brackets, ハリントン
    (Harrington), in that sentence alone; clean, and with two kana of the katakana changed at random
    as in the NAM001 mangle set. Plus its findings on WMT22 ja-en's Japanese sources, which give
    a few originals in brackets of their own (セネックス・エナジー(Senex Energy))."""

    def nam005(lines: list[str]) -> set[int]:
        tdoc = document_from_text("\n".join(lines), "ja", presegmented=True)
        found = run_rules(Context(target=tdoc), select_rules(("NAM005",)))[0]
        return {tdoc.segment_at(f.target.start).id for f in found if f.target is not None}  # type: ignore[union-attr]

    clean = [0, 0]
    mangled = [0, 0]
    for (_, tgt), runs in zip(docs, per_doc_runs, strict=True):
        for i, rs in enumerate(runs):
            for name, run in rs:
                # the bracket goes after the whole katakana word the stretch is part of (ヨーロッパ, not ヨーロ)
                at = tgt[i].find(run)
                end = at + len(run)
                while end < len(tgt[i]) and re.match(r"[ァ-ヺー・＝]", tgt[i][end]):
                    end += 1
                word = tgt[i][at:end]
                clean[1] += 1
                clean[0] += bool(nam005([f"{tgt[i][:end]}({name}){tgt[i][end:]}"]))
                chars = list(run)
                kana = [k for k, ch in enumerate(chars) if ch != "ー"]
                for pos in rng.sample(kana, k=min(2, len(kana))):
                    chars[pos] = rng.choice([k for k in KANA if k != chars[pos]])
                bad = "".join(chars)
                if bad == run:
                    continue
                mangled[1] += 1
                mangled[0] += bool(nam005([f"{tgt[i][:at]}{word.replace(run, bad, 1)}({name}){tgt[i][end:]}"]))
    native = DATA.parent.joinpath("ja-en", "source.ja")
    lines = read_lines(native) if native.is_file() else []
    on_native = sum(len(nam005([(x or "。") for x in lines[at : at + 40]])) for at in range(0, len(lines), 40))
    return {
        "clean_pairs": clean[1], "clean_flagged": clean[0], "false_alarm_rate": round(clean[0] / max(clean[1], 1), 4),
        "mangled": {"found": mangled[0], "injected": mangled[1], "recall": round(mangled[0] / max(mangled[1], 1), 3)},
        "findings_on_ja_en_sources": on_native,
    }


def name_spelled_two_ways(rng: random.Random, docs: list[tuple[list[str], list[str]]],
                          per_doc_runs: list[list[list[tuple[str, str]]]]) -> dict[str, object]:
    """CON009 with the source: its findings on the clean references, and recall when a name that a
    reference document renders in katakana in two sentences or more (``name_runs``) has one kana
    of its last rendering replaced by one that sounds alike (``_ALIKE``: the same consonant with
    another vowel, or voiced: ハリソン → ハリスン, ロジャース → ロジャーズ), as transliterations
    drift: found by CON009 (one name, two spellings), and by CON009 or NAM001 (a respelling
    e2k finds unlikely is a mangled name)."""
    clean = 0
    found = {"CON009": 0, "CON009_or_NAM001": 0}
    injected = 0
    for (src, tgt), runs in zip(docs, per_doc_runs, strict=True):
        clean += len(flagged(src, tgt, ("CON009",)))
        at: dict[str, list[tuple[int, str]]] = {}
        for i, rs in enumerate(runs):
            for name, run in rs:
                at.setdefault(name, []).append((i, run))
        for spots in at.values():
            if len(spots) < 2:
                continue
            i, run = spots[-1]
            kana = [k for k, ch in enumerate(run) if ch in _ALIKE]
            if not kana:
                continue
            k = rng.choice(kana)
            new = run[:k] + rng.choice(_ALIKE[run[k]]) + run[k + 1 :]
            bad = list(tgt)
            bad[i] = tgt[i].replace(run, new, 1)
            injected += 1
            by_con009 = i in flagged(src, bad, ("CON009",))
            found["CON009"] += by_con009
            found["CON009_or_NAM001"] += by_con009 or i in flagged(src, bad, ("NAM001",))
    return {
        "findings_on_references": clean, "injected": injected,
        **{k: {"found": v, "recall": round(v / max(injected, 1), 3)} for k, v in found.items()},
    }


def _findings_per_output(docs: list[tuple[list[str], list[str]]], code: str) -> tuple[dict[str, list[str]], list[str], list[int], dict[str, int]]:
    """The reference and the 13 systems' outputs, the source lines, the non-blank ones, and how
    many sentences ``code`` flags in each output with the source (line i aligned to line i)."""
    outputs = translations(DATA)
    src = [line for doc, _ in docs for line in doc]
    keep = [i for i, line in enumerate(src) if line.strip()]
    findings = {name: len(flagged([src[i] for i in keep], [lines[i] or "。" for i in keep], (code,))) for name, lines in outputs.items()}
    return outputs, src, keep, findings


def office_changed(rng: random.Random, docs: list[tuple[list[str], list[str]]]) -> dict[str, object]:
    """NAM006 with the source: its findings on the references and the 13 systems' outputs (line i
    aligned to line i), and recall when, in a reference sentence that renders an office the
    source names, that rendering is replaced by another office's (首相 → 外相)."""
    from audit.checks.entities import _OFFICE_EN, _OFFICE_JA, _OFFICES, _office_forms

    outputs, src, keep, findings = _findings_per_output(docs, "NAM006")
    injected = found = 0
    ref = outputs["reference"]
    for i in keep:
        named = [k for k, r in _OFFICE_EN.items() if r.search(src[i])]
        for k in named:
            m = _OFFICE_JA[k].search(ref[i])
            if m is None:
                continue
            other = rng.choice([o for o in _OFFICES if o not in named])
            form = _office_forms(other)[0]
            injected += 1
            found += bool(flagged([src[i]], [ref[i][: m.start()] + form + ref[i][m.end() :]], ("NAM006",)))
            break
    return {
        "findings_on_references": findings.pop("reference"),
        "findings_on_systems": {name: n for name, n in findings.items() if n},
        "swapped": {"found": found, "injected": injected, "recall": round(found / max(injected, 1), 3)},
    }


def pronoun_gender(docs: list[tuple[list[str], list[str]]]) -> dict[str, object]:
    """NAM007 with the source: its findings on the references and the 13 systems' outputs, and
    recall when a reference sentence's 彼女 becomes 彼 (or 彼 becomes 彼女) where the source
    speaks of one woman (or one man) only."""
    from audit.checks.entities import _HE, _KANOJO, _KARE, _SHE

    outputs, src, keep, findings = _findings_per_output(docs, "NAM007")
    injected = found = 0
    for i in keep:
        s, t = src[i], outputs["reference"][i]
        she, he = _SHE.search(s), _HE.search(s)
        if she and not he and _KANOJO.search(t) and not _KARE.search(t):
            m, new = _KANOJO.search(t), "彼"
        elif he and not she and _KARE.search(t) and not _KANOJO.search(t):
            m, new = _KARE.search(t), "彼女"
        else:
            continue
        assert m is not None
        injected += 1
        found += bool(flagged([s], [t[: m.start()] + new + t[m.end() :]], ("NAM007",)))
    return {
        "findings_on_references": findings.pop("reference"),
        "findings_on_systems": {name: n for name, n in findings.items() if n},
        "swapped": {"found": found, "injected": injected, "recall": round(found / max(injected, 1), 3)},
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--doc", type=int, default=40)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    rng = random.Random(args.seed)
    en = read_lines(DATA / "source.en")
    ja = read_lines(DATA / "reference.ja")
    docs = [(en[i : i + args.doc], ja[i : i + args.doc]) for i in range(0, len(en), args.doc)]
    clean_flagged = clean_total = 0
    all_runs: list[str] = []
    per_doc_runs = []
    target_only_clean = 0
    for src, tgt in docs:
        clean_total += len(src)
        clean_flagged += len(flagged(src, tgt))
        target_only_clean += len(flagged_target_only(tgt))
        sdoc = document_from_text("\n".join(src), "en", presegmented=True)
        vocab = Context(target=sdoc, source=sdoc).source_vocabulary
        runs = [name_runs(s, t, vocab) for s, t in zip(src, tgt, strict=True)]
        per_doc_runs.append(runs)
        all_runs.extend(r for rs in runs for _, r in rs)
    results = {}
    target_only_hit = 0
    for kind in ("mangle", "swap", "one_kana", "variant"):
        hit = total = 0
        for (src, tgt), runs in zip(docs, per_doc_runs, strict=True):
            bad = list(tgt)
            injected = []
            for i, rs in enumerate(runs):
                if not rs:
                    continue
                name, run = rng.choice(rs)
                if kind == "mangle":
                    chars = list(run)
                    kana = [i for i, ch in enumerate(chars) if ch != "ー"]
                    for pos in rng.sample(kana, k=min(2, len(kana))):
                        chars[pos] = rng.choice([k for k in KANA if k != chars[pos]])
                    new = "".join(chars)
                elif kind == "one_kana":
                    new = one_kana_off(run, rng)
                elif kind == "variant":
                    new = accepted_variant(run, rng)
                else:
                    others = [r for r in all_runs if r != run and kana_key(r) != kana_key(run)]
                    new = rng.choice(others)
                if new == run:
                    continue
                bad[i] = tgt[i].replace(run, new, 1)
                injected.append(i)
            if not injected:
                continue
            found = flagged(src, bad)
            if kind == "variant":
                found -= flagged(src, tgt)  # only what the respelling itself brought in
            total += len(injected)
            hit += sum(1 for i in injected if i in found)
            if kind == "mangle":
                alone = flagged_target_only(bad)
                target_only_hit += sum(1 for i in injected if i in alone)
        if kind == "variant":
            results[kind] = {"newly_flagged": round(hit / max(total, 1), 3), "flagged": hit, "respelt": total}
        else:
            results[kind] = {"recall": round(hit / max(total, 1), 3), "found": hit, "injected": total}
    out = {
        "clean_pairs": clean_total,
        "clean_pairs_flagged": clean_flagged,
        "false_alarm_rate": round(clean_flagged / clean_total, 4),
        "dictionary": Dictionary.shared().available,
        **results,
        "target_only_NAM002": {
            "clean_pairs_flagged": target_only_clean,
            "false_alarm_rate": round(target_only_clean / clean_total, 4),
            "mangle_recall": round(target_only_hit / max(results["mangle"]["injected"], 1), 3),
        },
        # own generators: their draws must not move when the NAM001 section finds other names
        "NAM003_sibling_entities": entity_swaps(random.Random(args.seed)),
        "CON005_term_variants": term_variants(docs),
        "CON001_katakana_variants_target_only": katakana_variants(random.Random(args.seed), docs),
        "CON006_person_name_variants_target_only": person_name_variants(random.Random(args.seed)),
        "NAM004_near_known_persons_target_only": near_known_persons(random.Random(args.seed)),
        "ACR004_acronym_expansions_target_only": acronym_expansions(random.Random(args.seed)),
        "CON007_katakana_kanji_names_target_only": katakana_kanji_names(docs),
        "CON008_one_office_two_people_target_only": one_office_two_people(random.Random(args.seed)),
        "NAM005_original_beside_target_only": original_beside(random.Random(args.seed), docs, per_doc_runs),
        "CON009_name_spelled_two_ways": name_spelled_two_ways(random.Random(args.seed), docs, per_doc_runs),
        "NAM006_office_changed": office_changed(random.Random(args.seed), docs),
        "NAM007_pronoun_gender": pronoun_gender(docs),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
