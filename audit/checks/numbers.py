"""Numbers: a number, unit, date or time that differs between source and translation, and
Japanese amounts that cannot be read or that one document writes two ways (NUM001-NUM006)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import (
    _english_quantities,
    _japanese_quantities,
    _pairs,
)
from audit.lexicon.numbers import (
    UNIT_DIMENSIONS,
    UNIT_NAMES,
    Quantity,
    english_dates,
    english_meridiem_hours,
    english_unit,
    english_weekdays,
    japanese_dates,
    japanese_meridiem_hours,
    japanese_quantities,
    japanese_unit,
    japanese_weekdays,
    malformed_amounts,
    nfkc_per_char,
    relative_time_flips,
    relative_time_forms,
    same,
    scale_slip,
)
from audit.model import Severity


@rule("NUM001", "number-mismatch", Severity.MAJOR, "A number differs between source and translation", needs=("source", "alignment"))
def number_mismatch(ctx: Context) -> Iterator[Hit]:
    """Finds numbers, amounts and dates that are missing, added or changed in the translation,
    after normalising both sides: $2.9 billion = 29億ドル, 15% = 15％, April 10 = 4月10日,
    3割 = 30%, 令和6年 = 2024. A value off by a power of ten (2.9億 for $2.9 billion, a
    billion ↔ 億 slip) is critical; a changed or missing value is major; an added one minor.

    Numbers are read as a translator writes them: a military time (0500 → 午前5時), a short
    decade ('00s → 2000年代), a share in words (four in ten → 40%, a fifth → 20%), "a few" as
    ２、３, 24/7 as 24時間365日, 1億1千万 as 110 million, a number kept glued to Latin letters
    (2000M), and digits that the source writes inside a name or a code (pico-8 → ピコ8) are
    rendered, not added.
    """
    assert ctx.source is not None
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        sq = _english_quantities(ctx, s_text)
        tq = _japanese_quantities(ctx, t_text)
        hard = [q for q in sq if not q.soft]
        soft = [q for q in sq if q.soft]
        unmatched_t = list(tq)
        missing = []
        for q in hard:
            # A clock time (5.30, 17:45) may be written as hours and minutes: 5時30分; 5 p.m. as
            # 午後5時 or 17時.
            written = None
            for values in ((q.parts,) if q.parts else ()) + q.alternatives:
                parts = [next((t for t in unmatched_t if same(v, t.value)), None) for v in values]
                if all(parts) and len({id(t) for t in parts}) == len(parts):
                    written = parts
                    break
            if written is not None:
                for t in written:
                    unmatched_t.remove(t)  # type: ignore[arg-type]
                continue
            hit = next((t for t in unmatched_t if same(q.value, t.value)), None)
            if hit is not None:
                unmatched_t.remove(hit)
                continue
            if not _in_katakana_name(q, s_text, t_text) and not _kept_with_latin(q, t_text):
                missing.append(q)
        # An extra 1 is almost always "a/an/one/once" rendered as a digit (1時間, 週1回): not evidence;
        # nor are digits the source writes inside a name or code (pico-8 → ピコ8, I-131 → アイ131).
        extra = [
            t for t in unmatched_t
            if not t.soft and t.value != 1 and not any(same(t.value, s.value) for s in soft + hard) and not _digits_in(t, s_text)
        ]  # fmt: skip
        t_off = tgt[0].start
        s_off = src[0].start
        for q in missing:
            slip = next(((t, scale_slip(q.value, t.value)) for t in extra if scale_slip(q.value, t.value)), None)
            if slip is not None:
                t, k = slip
                extra.remove(t)
                yield Hit(
                    f"{q.text} became {t.text}: off by a factor of 10^{k}",
                    target=ctx.target.span(t_off + t.start, t_off + t.end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_value": t.value, "factor": f"1e{k}"},
                    suggestion=_ja_number(q.value),
                    severity=Severity.CRITICAL,
                )
            elif extra:
                t = extra.pop(0)
                yield Hit(
                    f"{q.text} in the source appears as {t.text} in the translation",
                    target=ctx.target.span(t_off + t.start, t_off + t.end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_value": t.value},
                    suggestion=_ja_number(q.value),
                )
            else:
                yield Hit(
                    f"{q.text} in the source is missing from the translation",
                    target=ctx.target.span(tgt[0].start, tgt[-1].end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_numbers": [t.text for t in tq]},
                )
        yield from _code_numbers(ctx, s_text, s_off, t_text, t_off)
        for t in extra:
            yield Hit(
                f"{t.text} in the translation has no counterpart in the source",
                target=ctx.target.span(t_off + t.start, t_off + t.end),
                source=ctx.source.span(src[0].start, src[-1].end),
                evidence={"target_value": t.value, "source_numbers": [q.text for q in sq]},
                severity=Severity.MINOR,
            )


@rule("NUM004", "unit-changed", Severity.MAJOR, "A quantity keeps its number but changes its unit: 500 acres → 500ヘクタール",
      needs=("source", "alignment"))
def unit_changed(ctx: Context) -> Iterator[Hit]:
    """Finds a quantity of the source whose number the translation keeps while counting it in
    another unit of the same kind: 「500ヘクタール」 for "500 acres", 「15億円」 for "$1.5 billion",
    「摂氏3度」 for "3 degrees Fahrenheit". The number matches, so NUM001 is satisfied, but the
    quantity is wrong (an acre is 0.4 hectares; a dollar about 150 yen). A currency changed is
    critical, like a billion ↔ 億 slip; other units are major.

    Units are read from a currency sign before the number ($, US$, €, £, ¥; 華氏, 摂氏) or a unit
    word after it (dollars, euros, yen, yuan, won, rupees; miles, kilometres, feet, metres,
    inches, centimetres; acres, hectares; kilograms, pounds, tons; gallons, litres; degrees
    Fahrenheit or Celsius) and compared by kind. "pounds" and ポンド may be money or weight, and
    キロ kilometres or kilograms: either counts. A quantity converted in the translation has
    another number too, and is NUM001's.
    """
    assert ctx.source is not None
    for s_off, s_text, t_off, _, t_text in ctx.pair_texts():
        sq = [(q, english_unit(s_text, q)) for q in _english_quantities(ctx, s_text) if not q.soft]
        tq = [(t, japanese_unit(t_text, t)) for t in _japanese_quantities(ctx, t_text)]
        if not any(u for _, u in sq) or not any(u for _, u in tq):
            continue
        used: set[int] = set()
        for q, s_units in sq:
            # the target quantity of the same value, one in the source's unit first
            same_value = [(k, t, u) for k, (t, u) in enumerate(tq) if k not in used and same(q.value, t.value)]
            if not same_value:
                continue
            k, t, t_units = min(same_value, key=lambda x: (not (x[2] & s_units), x[0]))
            used.add(k)
            kinds = {UNIT_DIMENSIONS[u] for u in s_units} & {UNIT_DIMENSIONS[u] for u in t_units}
            if not s_units or not t_units or s_units & t_units or not kinds:
                continue
            currency = "currency" in kinds
            def named(units: frozenset[str]) -> str:
                return " or ".join(UNIT_NAMES[u] for u in sorted(units))

            yield Hit(
                f"{s_text[q.start : q.end]} {named(s_units)} became {t_text[t.start : t.end]} {named(t_units)}: "
                f"the same number in another {'currency' if currency else 'unit'}",
                target=ctx.target.span(t_off + t.start, t_off + t.end),
                source=ctx.source.span(s_off + q.start, s_off + q.end),
                evidence={"source_units": sorted(s_units), "target_units": sorted(t_units), "kind": sorted(kinds)[0],
                          "value": q.value},
                suggestion="render the quantity in the source's unit, or convert the number as well",
                severity=Severity.CRITICAL if currency else None,
            )


@rule("NUM005", "date-or-time-flipped", Severity.MAJOR,
      "A date or time changed with its numbers kept: month and day swapped, a.m./p.m., another weekday, yesterday/tomorrow",
      needs=("source", "alignment"))
def date_or_time_flipped(ctx: Context) -> Iterator[Hit]:
    """Finds a date of the source whose month and day the translation swaps ("April 10" →
    「10月4日」), an hour whose a.m. or p.m. it turns around ("5 p.m." → 「午前5時」), and a
    weekday it turns into another ("on Monday" → 「火曜日に」). The numbers are all there, so
    NUM001, which matches values, is satisfied; the date or the time is wrong. Machine translation
    swaps them when it reads a day-first date as month-first (or the reverse) or renders "p.m."
    or a weekday by the wrong word; and a day, week, month or year named relative to now that it
    turns into its opposite ("yesterday" → 「明日」, "last year" → 「来年」).

    Dates are those written with a month's name (April 10, 10 April, Apr. 10th) against M月D日;
    a swap is reported only when the source's date is absent, its swap present, and the day could
    be a month (12 or less). Hours are 1 to 11 with a.m. or p.m. against 午前/午後 N時 (12 is
    left alone: 午前12時 means noon to some and midnight to others). Weekdays are those named in
    full (Monday) against 月曜…日曜: reported when the translation names a weekday the source does
    not and none of the source's.
    """
    assert ctx.source is not None
    for s_off, s_text, t_off, _, t_text in ctx.pair_texts():
        t_dates = japanese_dates(t_text)
        written = {(m, d) for m, d, _, _ in t_dates}
        for month, day, a, b in english_dates(s_text):
            if (month, day) in written or day > 12 or day == month or (day, month) not in written:
                continue
            _, _, ta, tb = next(x for x in t_dates if (x[0], x[1]) == (day, month))
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: month and day swapped",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"source_date": {"month": month, "day": day}, "target_date": {"month": day, "day": month}},
                suggestion=f"{month}月{day}日",
            )
        t_hours = japanese_meridiem_hours(t_text)
        for hour, half, a, b in english_meridiem_hours(s_text):
            if hour == 12:
                continue
            same_hour = [x for x in t_hours if x[0] == hour]
            if not same_hour or any(x[1] == half for x in same_hour):
                continue
            _, _, ta, tb = same_hour[0]
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: {'p.m.' if half == 'p' else 'a.m.'} rendered as "
                f"{'午前' if half == 'p' else '午後'}",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"hour": hour, "source_half": f"{half}.m.", "target_half": "午前" if half == "p" else "午後"},
                suggestion=f"{'午後' if half == 'p' else '午前'}{hour}時",
            )
        for word, other, m, t in relative_time_flips(s_text, t_text):
            yield Hit(
                f"'{m.group()}' became {t.group()} ({other})",
                target=ctx.target.span(t_off + t.start(), t_off + t.end()),
                source=ctx.source.span(s_off + m.start(), s_off + m.end()),
                evidence={"source_time": word, "target_time": other},
                suggestion=relative_time_forms(word)[0],
            )
        s_days = english_weekdays(s_text)
        t_days = japanese_weekdays(t_text)
        named = {d for d, _, _ in s_days}
        if s_days and t_days and not named & {d for d, _, _ in t_days}:
            day, a, b = s_days[0]
            _, ta, tb = next(x for x in t_days if x[0] not in named)
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: another weekday",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"source_weekday": s_text[a:b], "target_weekday": t_text[ta:tb]},
                suggestion=f"{'月火水木金土日'[day]}曜日",
            )


# Numbers inside names that Japanese transliterates as words: "1st Class" ファーストクラス, "Sector 9" セクターナイン.
_KATAKANA_NUMBERS = {
    1: ("ワン", "ファースト"), 2: ("ツー", "トゥー", "セカンド"), 3: ("スリー", "サード"), 4: ("フォー", "フォース"),
    5: ("ファイブ", "ファイヴ", "フィフス"), 6: ("シックス",), 7: ("セブン", "セヴン"), 8: ("エイト",), 9: ("ナイン",), 10: ("テン",),
}


def _in_katakana_name(q: Quantity, s_text: str, t_text: str) -> bool:
    """A small number of the source that the translation spells in katakana inside the name it
    belongs to: one katakana run holds the number's word glued to the transliteration of the
    English word beside it (1st Class → ファーストクラス, Sector 9 → セクターナイン), so the フォー
    of フォーム is no match for "4 forms"."""
    from audit.lexicon.kana import kana_key
    from audit.lexicon.script import KATAKANA_RUN
    from audit.lexicon.transliteration import transliterate

    words = _KATAKANA_NUMBERS.get(int(q.value)) if q.value == int(q.value) else None
    if not words:
        return False
    before = re.findall(r"[A-Za-z]{3,}", s_text[: q.start])[-1:]
    after = re.findall(r"[A-Za-z]{3,}", s_text[q.end :])[:1]
    keys = [kana_key(run) for run in KATAKANA_RUN.findall(t_text)]
    # the number's word right after the word before it, or right before the word after it
    glued = [kana_key(transliterate(b.capitalize()))[-2:] + kana_key(w) for b in before for w in words]
    glued += [kana_key(w) + kana_key(transliterate(a.capitalize()))[:2] for a in after for w in words]
    return any(len(g) >= 4 and g in key for g in glued for key in keys)


def _digits_in(t: Quantity, s_text: str) -> bool:
    """The target number's digits stand in the source as written, glued to letters (a name or a
    code the source-side reader skips: pico-8, I-131, FOB2)."""
    if t.value != int(t.value) or t.value < 0:
        return False
    digits = str(int(t.value))
    return any(
        s_text[m.start() - 1 : m.start()].isalpha() or s_text[m.start() - 2 : m.start()][:1].isalpha() and s_text[m.start() - 1] in "-‐"
        for m in re.finditer(rf"(?<!\d){digits}(?!\d)", s_text)
    )


def _kept_with_latin(q: Quantity, t_text: str) -> bool:
    """The source's number written as it is, glued to Latin letters in the translation: a unit
    kept in Latin (280g, 10W) or a label (FM105.3 for "105.3 FM"). The Japanese reader leaves
    numbers glued to letters out (they are codes, VP730), so without this they look missing."""
    digits = re.match(r"\d[\d.,]*\d|\d", q.text)
    if digits is None:
        return False
    t_norm = unicodedata.normalize("NFKC", t_text)
    pattern = rf"(?<![\d.,]){re.escape(digits.group())}(?![\d]|[.,]\d)"
    return any(
        t_norm[m.start() - 1 : m.start()].isascii() and t_norm[m.start() - 1 : m.start()].isalpha()
        or t_norm[m.end() : m.end() + 1].isascii() and t_norm[m.end() : m.end() + 1].isalpha()
        for m in re.finditer(pattern, t_norm)
    )


_CODE = re.compile(r"(?<![A-Za-z0-9-])([A-Za-z]{1,10})-?(\d{1,4})(?![A-Za-z0-9-])")


def _code_numbers(ctx: Context, s_text: str, s_off: int, t_text: str, t_off: int) -> Iterator[Hit]:
    """The number inside a code changed: G7 → G9, COVID-19 → COVID-13, F-35 → F-53."""
    t_norm = unicodedata.normalize("NFKC", t_text)
    t_codes = [(m, m.group(1).upper(), m.group(2)) for m in _CODE.finditer(t_norm)]
    for m in _CODE.finditer(s_text):
        letters, digits = m.group(1).upper(), m.group(2)
        if any(L == letters and d == digits for _, L, d in t_codes):
            continue
        other = next(((tm, d) for tm, L, d in t_codes if L == letters and d != digits), None)
        if other is None:
            continue
        tm, d = other
        yield Hit(
            f"{m.group(0)} in the source appears as {t_text[tm.start() : tm.end()]} in the translation",
            target=ctx.target.span(t_off + tm.start(), t_off + tm.end()),
            source=ctx.source.span(s_off + m.start(), s_off + m.end()),  # type: ignore[union-attr]
            evidence={"source_code": m.group(0), "target_code": t_text[tm.start() : tm.end()]},
            suggestion=m.group(0),
        )


def _ja_number(value: float) -> str:
    for unit, scale in (("兆", 1e12), ("億", 1e8), ("万", 1e4)):
        if abs(value) >= scale:
            n = value / scale
            return f"{n:g}{unit}"
    return f"{value:g}"


_UNIT = re.compile(r"\s*(米ドル|ドル|円|ユーロ|ポンド|人民元|元|ウォン|人|トン|件|台|社|キロメートル|キロ|km|kg|％|%|カ国|か国|ヶ国)")
_RESTATED = re.compile(r"\s*[（(]\s*(?:約|およそ|概算|)\s*")


def _unit(text: str, end: int) -> str | None:
    m = _UNIT.match(text, end)
    if not m:
        return None
    return {"米ドル": "ドル", "％": "%", "キロメートル": "km", "キロ": "km", "ヶ国": "か国", "カ国": "か国"}.get(m.group(1), m.group(1))


def _significant(value: float) -> str:
    return f"{abs(value):.6e}".split("e")[0].rstrip("0").rstrip(".").replace(".", "")


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words around a quantity: up to six characters before it and after its unit, without
    particles and punctuation (so 「基金に」 and 「基金への」 agree)."""
    strip = re.compile(r"[、。「」（）()\s・はがをにのへとでもや約計総]")
    before = strip.sub("", text[max(0, start - 8) : start])[-6:]
    after = strip.sub("", text[end : end + 10])[:6]
    return before, after


@rule("NUM003", "malformed-amount", Severity.MAJOR, "A Japanese amount whose units cannot be read: 20億万, 3万2億")
def malformed_amount(ctx: Context) -> Iterator[Hit]:
    """Finds Japanese amounts written with myriad units (万, 億, 兆) that no reader can
    evaluate: two units in a row (「20億万ドル」, 「1.5兆億円」), units out of order
    (「3万2億円」), or a group of more than four digits, or with a decimal point, after the
    largest unit (「1億20000万円」). Machine translation produces them when it converts
    "billion" or "trillion" twice over or splices two renderings of one number; the value meant
    cannot be recovered without the source. Works in target-only mode; with the source, NUM001
    compares the value too.

    Not amounts: 億万長者 and 数億 (no digits before the units), 百万 and 千万 (百 and 千 are not
    myriad units).
    """
    for seg in ctx.target.segments:
        for start, end, why in malformed_amounts(seg.text):
            amount = seg.text[start:end]
            yield Hit(
                f"「{amount}」 cannot be read as an amount: {why}",
                target=ctx.span(seg, start, end),
                evidence={"amount": amount, "problem": why},
                suggestion="write the amount with each of 万, 億, 兆 once, largest first (1兆2000億), from the source's figure",
            )


# A decimal before 億 with a foreign currency: 6.9億ドル is how "$6.9 billion" reads rendered with 億
# for "billion"; Japanese writes 690 million as 6億9000万 and 6.9 billion as 69億.
_DECIMAL_OKU = re.compile(
    r"(?:(?P<sign>US\$|\$|€|£) ?)?(?<![\d.,])(?P<value>\d+\.\d+)億(?P<unit>米ドル|ドル|ユーロ|ポンド|人民元|元|ウォン|ルピー)?"
)


@rule("NUM006", "decimal-oku", Severity.MINOR, "A decimal before 億 in a foreign currency: 6.9億ドル, likely 'billion' rendered as 億")
def decimal_oku(ctx: Context) -> Iterator[Hit]:
    """Finds amounts in a foreign currency written with a decimal before 億 (「6.9億ドル」, 「$3.3億」),
    without the source. That is how "$6.9 billion" reads when "billion" is rendered as 億: ten
    times too small (6.9 billion is 69億). Japanese writes 690 million as 6億9000万, so the
    decimal form is a likely slip; it is minor because some writers use it. Yen amounts and 兆
    (1.5兆円, 1.9兆ドル, written so in Japanese news) are left alone. With the source, NUM001
    compares the value and this check stays quiet.

    Measured on WMT22 en-ja: none in the reference or the ja-en Japanese sources; three in one
    system's output, each a "billion" rendered as 億.
    """
    if ctx.source is not None:
        return
    for seg in ctx.target.segments:
        if "億" not in seg.text:
            continue
        norm = nfkc_per_char(seg.text)
        for m in _DECIMAL_OKU.finditer(norm):
            if not (m.group("sign") or m.group("unit")):
                continue  # yen, people, or nothing said: 1.2億人 is Japan's population
            value = float(m.group("value"))
            meant = f"{m.group('sign') or ''}{value * 10:g}億{m.group('unit') or ''}"
            yield Hit(
                f"「{seg.text[m.start() : m.end()]}」: a decimal before 億 is how '{m.group('value')} billion' reads rendered "
                f"with 億 for 'billion', ten times too small",
                target=ctx.span(seg, m.start(), m.end()),
                evidence={"amount": seg.text[m.start() : m.end()], "if_billion": meant},
                suggestion=f"{meant} if the source says {m.group('value')} billion",
            )


@rule("NUM002", "quantity-two-ways", Severity.MAJOR, "The same quantity written with two values in one document")
def quantity_two_ways(ctx: Context) -> Iterator[Hit]:
    """Finds one quantity written with two different values, without the source:

    - restated in parentheses with another value in the same unit and nothing else: 「10億ドル(約1億ドル)」
      (「1,500円(1,650円税込)」 says why it differs, and is not reported);
    - the same amount in the same words twice, a power of ten apart: 「基金に29億ドルを拠出」
      and later 「基金に2.9億ドルを拠出」. A billion ↔ 億 slip in one of them is the usual cause.
      Amounts must share their significant digits (two or more: 29 and 2.9, not 1 and 10) and
      the words just before or after them, so two different amounts of one document (会員は360人,
      新規登録36人) are not compared.

    Amounts are compared after normalisation (29億 = 2.9 billion, ５０％ = 50%), with units
    (ドル, 円, 人, トン, %…) that must match. Works in target-only mode; with the source, NUM001
    says which value is right.
    """
    text = ctx.target.text
    found = []
    for seg in ctx.target.segments:
        for q in japanese_quantities(seg.text):
            if q.soft:
                continue
            unit = _unit(seg.text, q.end)
            if unit is None:
                continue
            found.append((seg, q, unit))
    # restated in parentheses
    for k, (seg, q, unit) in enumerate(found[:-1]):
        nseg, nq, nunit = found[k + 1]
        if nseg is not seg or nunit != unit:
            continue
        u = _UNIT.match(seg.text, q.end)
        gap = _RESTATED.fullmatch(seg.text, u.end() if u else q.end, nq.start)
        nu = _UNIT.match(seg.text, nq.end)
        closed = nu is not None and re.match(r"\s*[)）]", seg.text[nu.end() :]) is not None  # not (1,650円税込)
        if gap and closed and not same(q.value, nq.value):
            yield Hit(
                f"{q.text}{unit} is restated as {nq.text}{unit} in parentheses: one of them is wrong",
                target=ctx.span(seg, q.start, nq.end),
                evidence={"value": q.value, "restated": nq.value, "unit": unit},
            )
    # the same amount in the same words, a power of ten apart
    reported: set[int] = set()
    for i, (seg_a, qa, ua) in enumerate(found):
        sig = _significant(qa.value)
        if len(sig) < 2:
            continue
        ctx_a = _context(text, seg_a.start + qa.start, seg_a.start + qa.end)
        for j in range(i + 1, len(found)):
            seg_b, qb, ub = found[j]
            if ub != ua or j in reported or _significant(qb.value) != sig or not scale_slip(qa.value, qb.value):
                continue
            ctx_b = _context(text, seg_b.start + qb.start, seg_b.start + qb.end)
            if not any(x and x == y and len(x) >= 2 for x, y in zip(ctx_a, ctx_b)):
                continue
            reported.add(j)
            yield Hit(
                f"{qb.text}{ub} here but {qa.text}{ua} earlier, in the same words: the same amount a power of ten apart",
                target=ctx.span(seg_b, qb.start, qb.end),
                evidence={"value": qb.value, "earlier": qa.value, "earlier_at": seg_a.start + qa.start, "unit": ua,
                          "context": "".join(ctx_b)},
            )
