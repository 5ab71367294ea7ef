"""Numbers on both sides, normalised to values: 29億ドル and $2.9 billion are both 2.9e9.

English: digits with thousands separators and decimals, thousand/million/billion/trillion
(and k/m/bn), percent, month names (April → 4), ordinals (10th), dimensions (4x3), fiscal
years (FY2024), era years (Reiwa 6 → 2024), decades (6 decades → 60), number words
(twenty-five: they may justify a value, never required), clock times (5:30 p.m. may be
written 17時30分 or 午後5時30分; noon 正午, midnight 0時). Japanese: Arabic and
full-width digits, kanji numerals before a counter, 万/億/兆 (also chained: 1兆2000億),
割 (3割 → 30), ％, era years (令和6年 → 2024).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Quantity:
    value: float
    start: int
    end: int
    text: str
    soft: bool = False  # spelled-out word numbers: may justify a value, never required
    parts: tuple[float, ...] = ()  # another way to write it (a clock time: hours, minutes)
    # other ways still, each a set of values written together: 5 p.m. as 17時, 12 a.m. as 0時
    alternatives: tuple[tuple[float, ...], ...] = ()


_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
_EN_NUM = re.compile(
    # not inside a word or a code (G7, VP-730), except the second side of a dimension (4x3, 16×9)
    r"(?:(?<![\w.,])|(?<=\d[x×]))(?<![A-Za-z][-‐‑−])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:st|nd|rd|th)?"
    r"(?:\s?(thousand|million|billion|trillion|bn|mn|tn|[km])\b)?",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
# Abbreviated months only before a number (Apr. 10); full names anywhere (10 April, in December).
_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
_MONTH_RE = re.compile(
    r"\b(?:(" + "|".join(m for m in _MONTHS if m not in _FULL_MONTHS) + r")\b\.?(?=\s*\d)|("
    + "|".join(m.capitalize() for m in _FULL_MONTHS) + r")\b)",
    re.IGNORECASE,
)
_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "dozen": 12, "hundred": 100, "thousand": 1000,
    "once": 1, "twice": 2, "quarter": 4, "half": 2, "week": 7, "weekly": 7, "fortnight": 14, "decade": 10, "century": 100,
    "teen": 10, "teens": 10, "teenage": 10, "teenager": 10, "teenagers": 10,  # 10代
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    # vague or implied quantities a translator may write as digits: a couple → 2, fully → 100%,
    # round the clock → 24時間
    "couple": 2, "pair": 2, "twin": 2, "twins": 2, "double": 2, "both": 2, "triple": 3, "few": 2,
    "decimal": 10, "binary": 2,  # 10進, 2進
    "fully": 100, "totally": 100, "completely": 100, "entirely": 100, "clock": 24,
    "noon": 12, "midday": 12, "midnight": 0,  # 正午, 12時; 0時 (or 24時, 午前12時: below)
}  # fmt: skip
_WORD_RE = re.compile(r"\b(" + "|".join([*_WORDS, *_ORDINAL_WORDS]) + r")\b", re.IGNORECASE)
# twenty, forty-five: compound number words (soft, like the others)
_TENS_RE = re.compile(r"\b(" + "|".join(_TENS) + r")(?:[-\s](one|two|three|four|five|six|seven|eight|nine))?\b", re.IGNORECASE)
# fiscal years (FY2024, FY24 → 2024年度) and Japanese era years written in English (Reiwa 6 → 2024)
_FISCAL_RE = re.compile(r"\bFY\s?'?(\d{4}|\d{2})\b")
_EN_ERAS = {"reiwa": 2018, "heisei": 1988, "showa": 1925, "taisho": 1911, "meiji": 1867}
_EN_ERA_RE = re.compile(r"\b(Reiwa|Heisei|Sh[oō]wa|Taish[oō]|Meiji)\s+(\d{1,2})\b")


_IDIOMS = re.compile(r"\b24/7\b|\b24-7\b")
_SHARE = {"half": (50.0,), "third": (33.0, 33.3), "quarter": (25.0,), "fifth": (20.0,), "tenth": (10.0,)}
# "four in ten", "one-in-five": a share a translator may give as a percentage (40%) or in 割 (4割)
_IN_EVERY = re.compile(r"\b(\d+|[a-z]+)[-\s]in[-\s](\d+|[a-z]+)\b", re.IGNORECASE)
# 0500, 1730 hours: the military clock, written 5時, 17時30分 or 午後5時30分
_MILITARY = re.compile(r"(?<![\w.,:])(0\d|1\d|2[0-3])([0-5]\d)(?=\s*(?:hours?|hrs?|h)\b|(?<=0\d\d\d)(?![\w.,]))", re.IGNORECASE)
# the 90s, the '00s, the 2000s: decades, written 90年代, 2000年代 or 1990年代
_DECADE_SHORT = re.compile(r"(?<![\w'’])['’]?(\d)0s\b")
_CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")
# a.m. / p.m. (or noon, midnight) after an hour: 5 p.m. may be written 17時, 12 a.m. 0時
_MERIDIEM = re.compile(r"\s?(?:([ap])\.?m\b\.?|(noon|midnight)\b)", re.IGNORECASE)


def _on_the_clock(q: Quantity, after: str) -> Quantity:
    """``q`` with the 24-hour clock's way of writing it, when a.m./p.m. follows an hour."""
    m = _MERIDIEM.match(after)
    hours = q.parts[0] if q.parts else q.value
    if m is None or hours != int(hours) or not 1 <= hours <= 12:
        return q
    mark = (m.group(1) or m.group(2)).lower()
    if mark == "p" and hours < 12:
        hours += 12
    elif mark in ("a", "midnight") and hours == 12:
        hours = 0
    else:
        return q
    ways: tuple[tuple[float, ...], ...] = ((hours, *q.parts[1:]),) if q.parts else ()
    if not q.parts or q.parts[1] == 0:  # 5 p.m., 5:00 p.m.: 17時 alone too
        ways += ((hours,),)
    return Quantity(q.value, q.start, q.end, q.text, q.soft, q.parts, ways)


def english_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    idioms = [m.span() for m in _IDIOMS.finditer(text)]
    for m in _EN_NUM.finditer(text):
        if any(a <= m.start() < b for a, b in idioms):
            # "24/7" means always (24時間年中無休, 24時間365日): its numbers may appear, never required
            out.append(Quantity(float(m.group(1)), m.start(), m.end(), m.group(), soft=True))
            out.append(Quantity(365.0, m.start(), m.end(), m.group(), soft=True))
            continue
        if out and m.start() < out[-1].end:
            continue
        whole = m.group(1).replace(",", "")
        value = float(whole + (m.group(2) or ""))
        scale = m.group(3)
        if scale:
            if scale.lower() in ("m", "k") and not text[max(0, m.start() - 2) : m.start()].strip().endswith(("$", "€", "£", "¥")):
                scale = None  # "5 m" is metres, not millions
            else:
                value *= _EN_SCALE[scale.lower()]
        clock = _CLOCK.match(m.group(1) + (m.group(2) or "")) if not scale else None
        if clock is None and not scale and text[m.end() : m.end() + 3][:1] == ":":
            clock = re.match(r":(\d{2})", text[m.end() : m.end() + 3])
            if clock is not None:
                q = Quantity(value, m.start(), m.end() + 3, text[m.start() : m.end() + 3], parts=(value, float(clock.group(1))))
                out.append(_on_the_clock(q, text[q.end :]))
                continue
        parts = (float(clock.group(1)), float(clock.group(2))) if clock else ()
        q = Quantity(value, m.start(), m.end(), m.group(), parts=parts)
        out.append(_on_the_clock(q, text[q.end :]) if not scale else q)
    for m in _MONTH_RE.finditer(text):
        name = m.group(1) or m.group(2)
        if m.group(2) and not name[0].isupper():
            continue  # "march on", "may be"
        soft = name.lower() == "may"  # the modal verb at a sentence start
        out.append(Quantity(float(_MONTHS[name.lower()]), m.start(), m.end(), m.group(), soft=soft))
    for m in _WORD_RE.finditer(text):
        w = m.group().lower()
        out.append(Quantity(float(_WORDS.get(w, _ORDINAL_WORDS.get(w, 0))), m.start(), m.end(), m.group(), soft=True))
        if w == "fortnight":  # ２週間 as often as 14日
            out.append(Quantity(2.0, m.start(), m.end(), m.group(), soft=True))
        if w == "few":  # a few: ２、３
            out.append(Quantity(3.0, m.start(), m.end(), m.group(), soft=True))
        if w in _SHARE:  # a fifth: 20%, a quarter: 25%, a third: 33%, half: 50%
            out += [Quantity(v, m.start(), m.end(), m.group(), soft=True) for v in _SHARE[w]]
        if w == "midnight":  # 0時, 24時 or 午前12時
            out += [Quantity(v, m.start(), m.end(), m.group(), soft=True) for v in (24.0, 12.0)]
    for m in _TENS_RE.finditer(text):
        value = _TENS[m.group(1).lower()] + (_WORDS[m.group(2).lower()] if m.group(2) else 0)
        out.append(Quantity(float(value), m.start(), m.end(), m.group(), soft=True))
    for m in _FISCAL_RE.finditer(text):
        year = int(m.group(1))
        out.append(Quantity(float(year if year >= 1000 else 2000 + year), m.start(), m.end(), m.group()))
    for m in _EN_ERA_RE.finditer(text):
        era = m.group(1).lower().replace("ō", "o")
        k = next((i for i, q in enumerate(out) if q.start == m.start(2) and not q.soft), None)
        if k is not None:
            out[k] = Quantity(float(_EN_ERAS[era] + int(m.group(2))), m.start(), m.end(), m.group())
    for m in _IN_EVERY.finditer(text):
        a, b = _count(m.group(1)), _count(m.group(2))
        if a is not None and b and a < b:
            share = 100.0 * a / b
            out += [Quantity(v, m.start(), m.end(), m.group(), soft=True) for v in {share, round(share), 10.0 * a / b, float(a), float(b)}]
    for m in _MILITARY.finditer(text):
        h, mnt = float(m.group(1)), float(m.group(2))
        k = next((i for i, q in enumerate(out) if q.start == m.start() and not q.soft), None)
        ways: list[tuple[float, ...]] = [(h, mnt) if mnt else (h,)]
        if h > 12:
            ways.append((h - 12, mnt) if mnt else (h - 12,))
        q = Quantity(h * 100 + mnt, m.start(), m.end(), m.group(), parts=ways[0], alternatives=tuple(ways[1:]))
        if k is not None:
            out[k] = q
    for m in _DECADE_SHORT.finditer(text):
        k = next((i for i, q in enumerate(out) if m.start() <= q.start < m.end() and not q.soft), None)
        x = float(m.group(1)) * 10
        q = Quantity(x, m.start(), m.end(), m.group(), alternatives=((1900 + x,), (2000 + x,)))
        if k is not None:
            out[k] = q
        else:
            out.append(q)
    for m in _DECADES.finditer(text):  # 6 decades: 60年 (or 6つの十年)
        k = next((i for i, q in enumerate(out) if q.start == m.start() and not q.soft), None)
        if k is not None:
            out[k] = Quantity(out[k].value * 10, m.start(), m.end(), m.group())
            out.append(Quantity(float(m.group(1)), m.start(), m.end(), m.group(), soft=True))
    return out


_DECADES = re.compile(r"\b(\d+)\s+decades\b", re.IGNORECASE)


def _count(word: str) -> int | None:
    """A small count written in digits or as a word (four → 4)."""
    if word.isdigit():
        return int(word)
    return _WORDS.get(word.lower(), _TENS.get(word.lower()))


_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "両": 2}
_KANJI_SMALL = {"十": 10, "百": 100, "千": 1000}
_JA_SCALE = {"万": 1e4, "億": 1e8, "兆": 1e12}
_COUNTERS = "人回年月日件億万兆千つ割倍度社名国カヶヵ番時分秒週期号条本枚台個冊杯匹頭羽軒階歳才位点対"
# Digits glued to Latin letters (G7, COVID-19, 5G) are part of a name on both sides, not quantities,
# except before a unit written in Latin letters (35GB, 85mph, 10km). The number never ends inside
# a longer one (no "8" out of "85mph" by backtracking).
_LATIN_UNITS = r"(?:GB|MB|KB|TB|GHz|MHz|kWh|kW|MW|GW|mph|km|kg|mg|cm|mm|ml|ft|lb|oz)s?(?![A-Za-z])"
_JA_NUM = re.compile(
    r"(?:(?<![A-Za-z0-9.])|(?<=\d[x×]))(?<![A-Za-z][-‐‑−])(\d+(?:,\d{3})*(?:\.\d+)?|[〇一二三四五六七八九十百千]+)"
    rf"(?:(?={_LATIN_UNITS})|(?=[x×]\d)|(?![A-Za-z0-9]|\.\d))\s*([万億兆千]?)"
)
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
_ERA_RE = re.compile(r"(令和|平成|昭和|大正|明治)\s*(\d+|元)\s*年")


def _kanji_int(s: str) -> int | None:
    total, current = 0, 0
    for ch in s:
        if ch in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[ch]
        elif ch in _KANJI_SMALL:
            total += (current or 1) * _KANJI_SMALL[ch]
            current = 0
        else:
            return None
    return total + current


@lru_cache(maxsize=4096)
def _nfkc_char(c: str) -> str:
    n = unicodedata.normalize("NFKC", c)
    return n if len(n) == 1 else c


def nfkc_per_char(text: str) -> str:
    """NFKC that keeps offsets: characters whose normal form is longer stay as they are."""
    if text.isascii():
        return text
    return "".join(map(_nfkc_char, text))


def japanese_quantities(text: str) -> list[Quantity]:
    """Values in Japanese text; offsets index ``text`` (NFKC is applied per character)."""
    norm = nfkc_per_char(text)
    out: list[Quantity] = []
    era_spans = []
    for m in _ERA_RE.finditer(norm):
        year = 1 if m.group(2) == "元" else int(m.group(2))
        out.append(Quantity(float(_ERAS[m.group(1)] + year), m.start(), m.end(), text[m.start() : m.end()]))
        era_spans.append((m.start(), m.end()))
    # 正午 is 12:00 (12 p.m., noon): a value the source may give, never one it must
    out += [Quantity(12.0, m.start(), m.end(), m.group(), soft=True) for m in re.finditer("正午", text)]
    pos = 0
    while True:
        found = _JA_NUM.search(norm, pos)
        if found is None:
            break
        m = found
        if any(a <= m.start() < b for a, b in era_spans):
            pos = m.end()
            continue
        start = m.start()
        value = 0.0
        end = start
        # chained scales: 1兆2000億円 → 1.2e12
        chain: re.Match[str] | None = m
        while chain is not None and chain.start() == end:
            raw, scale = chain.group(1), chain.group(2)
            if raw[0].isdigit():
                number = float(raw.replace(",", ""))
            else:
                k = _kanji_int(raw)
                after = norm[chain.end() : chain.end() + 1]
                before = norm[chain.start() - 1 : chain.start()] if chain.start() else ""
                if k is None or (not scale and after not in _COUNTERS and before != "第"):
                    break
                number = float(k)
            if scale in _JA_SCALE:
                value += number * _JA_SCALE[scale]
                end = chain.end()
                chain = _JA_NUM.match(norm, end)
                if chain is not None and not chain.group(2) and chain.group(1)[0].isdigit() and end < len(norm):
                    # "1億2000" without a scale closes the chain with a plain number only before 円/ドル
                    tail = norm[chain.end() : chain.end() + 2]
                    if tail.startswith(("円", "ドル")):
                        value += float(chain.group(1).replace(",", ""))
                        end = chain.end()
                    chain = None
                continue
            if scale == "千":
                number *= 1000
                following = norm[chain.end() : chain.end() + 1]
                if following in _JA_SCALE:  # 1億1千万: a thousand ten-thousands
                    value += number * _JA_SCALE[following]
                    end = chain.end() + 1
                    chain = _JA_NUM.match(norm, end)
                    if chain is not None and (not chain.group(2) or not chain.group(1)[0].isdigit()):
                        chain = None
                    continue
            value += number
            end = chain.end()
            break
        if end == start:
            pos = m.end()
            continue
        if norm[end : end + 1] == "割":
            value *= 10
        # Kanji numerals live inside idioms (一度, 一部, 二国間): they may match, never required;
        # 数十億, 何百 are "several billion", "hundreds": vague, not a stated value.
        soft = not norm[start].isdigit() or norm[start - 1 : start] in ("数", "何")
        out.append(Quantity(value, start, end, text[start:end], soft=soft))
        if norm[end : end + 2] == "時半":  # 5時半 is 5:30
            out.append(Quantity(30.0, end, end + 2, text[end : end + 2], soft=True))
        pos = end
    return out


# A Japanese amount in myriad units (万 10^4, 億 10^8, 兆 10^12): each unit once, larger ones first,
# and at most four digits before each unit after the first (1兆2000億). A group is Arabic digits,
# maybe with 千/百/十 after them (3千億), or kanji numerals. 京 (10^16) is left out: it is nearly
# never an amount, and begins 京都 (10万京都府民).
_JA_GROUP = r"(?:\d[\d,]*(?:\.\d+)?[千百十]?|[〇一二三四五六七八九十百千]+)"
_MYRIADS = "万億兆"
_JA_AMOUNT = re.compile(rf"(?<![\d.,〇一二三四五六七八九十百千]){_JA_GROUP}[{_MYRIADS}]+(?:{_JA_GROUP}[{_MYRIADS}]+)*")


def malformed_amounts(text: str) -> list[tuple[int, int, str]]:
    """Japanese amounts that no reader can evaluate, as (start, end, why) in ``text``: two myriad
    units in a row (20億万ドル, 1.5兆億円: a billion or a trillion rendered twice over), units out
    of order (3万2億), or more than four digits or a decimal point in a group after the first
    (1億20000万). 億万長者 and 数億 have no digits before them and are not amounts."""
    if not any(unit in text for unit in _MYRIADS):
        return []
    norm = nfkc_per_char(text)
    out = []
    for m in _JA_AMOUNT.finditer(norm):
        units = [ch for ch in m.group() if ch in _MYRIADS]
        groups = [g for g in re.split(f"[{_MYRIADS}]+", m.group()) if g]
        runs = re.findall(f"[{_MYRIADS}]+", m.group())
        if any(len(r) > 1 for r in runs):
            why = "two units in a row"
        elif any(_MYRIADS.index(b) >= _MYRIADS.index(a) for a, b in zip(units, units[1:])):
            why = "units out of order"
        elif any(g[0].isdigit() and (len(g.replace(",", "")) > 4 or "." in g) for g in groups[1:]):
            why = "more than four digits, or a decimal point, after the largest unit"
        else:
            continue
        out.append((m.start(), m.end(), why))
    return out


# Units that a quantity is counted in, by dimension: a translation that keeps the number and changes
# the unit (500 acres → 500ヘクタール, $1.5 billion → 15億円) has changed the quantity. "pounds"
# and キロ stand for two units each (money or weight; kilometres or kilograms).
UNIT_DIMENSIONS = {
    "USD": "currency", "EUR": "currency", "GBP": "currency", "JPY": "currency", "CNY": "currency", "KRW": "currency",
    "INR": "currency", "mile": "length", "km": "length", "foot": "length", "metre": "length", "inch": "length",
    "cm": "length", "acre": "area", "hectare": "area", "kg": "mass", "lb": "mass", "ton": "mass", "gallon": "volume",
    "litre": "volume", "F": "temperature", "C": "temperature", "percent": "ratio", "pp": "ratio",
}
UNIT_NAMES = {
    "USD": "dollars", "EUR": "euros", "GBP": "pounds sterling", "JPY": "yen", "CNY": "yuan", "KRW": "won", "INR": "rupees",
    "mile": "miles", "km": "kilometres", "foot": "feet", "metre": "metres", "inch": "inches", "cm": "centimetres",
    "acre": "acres", "hectare": "hectares", "kg": "kilograms", "lb": "pounds", "ton": "tons", "gallon": "gallons",
    "litre": "litres", "F": "degrees Fahrenheit", "C": "degrees Celsius", "percent": "per cent", "pp": "percentage points",
}
_EN_UNIT_BEFORE = re.compile(r"(?:(?:US|A|C|NZ|HK|S)?\$|€|£|¥|USD|EUR|GBP|JPY)\s?$")
_EN_UNIT_BEFORE_CODES = {"$": {"USD"}, "€": {"EUR"}, "£": {"GBP"}, "¥": {"JPY"}, "USD": {"USD"}, "EUR": {"EUR"}, "GBP": {"GBP"}, "JPY": {"JPY"}}
_EN_UNIT_AFTER = [
    (r"(?:US )?dollars?|USD", {"USD"}), (r"euros?|EUR", {"EUR"}), (r"pounds?(?: sterling)?", {"GBP", "lb"}),
    (r"yen|JPY", {"JPY"}), (r"yuan|renminbi|RMB", {"CNY"}), (r"won", {"KRW"}), (r"rupees?", {"INR"}),
    (r"(?:square )?miles?", {"mile"}), (r"kilomet(?:er|re)s?|km", {"km"}), (r"feet|foot|ft", {"foot"}),
    (r"met(?:er|re)s?", {"metre"}), (r"inch(?:es)?", {"inch"}), (r"centimet(?:er|re)s?|cm", {"cm"}),
    (r"acres?", {"acre"}), (r"hectares?|ha", {"hectare"}), (r"kilo(?:gram(?:me)?)?s?|kg", {"kg"}), (r"lbs?", {"lb"}),
    (r"(?:metric )?tonnes?|tons?", {"ton"}), (r"gallons?", {"gallon"}), (r"lit(?:er|re)s?", {"litre"}),
    (r"(?:degrees? )?Fahrenheit|degrees? F|°F", {"F"}), (r"(?:degrees? )?(?:Celsius|centigrade)|degrees? C|°C", {"C"}),
    (r"percentage points?|(?:%|percent|per cent) points?|pp", {"pp"}), (r"%|percent|per cent", {"percent"}),
]
_EN_UNIT_AFTER_RE = re.compile(
    r"\s?(?:-|\s)?(?:" + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(_EN_UNIT_AFTER)) + r")(?![A-Za-z])"
)
_JA_UNIT_AFTER = [
    ("米ドル|ドル", {"USD"}), ("ユーロ", {"EUR"}), ("ポンド", {"GBP", "lb"}), ("円", {"JPY"}), ("人民元|元", {"CNY"}),
    ("ウォン", {"KRW"}), ("ルピー", {"INR"}), ("平方マイル|マイル", {"mile"}), ("キロメートル|km", {"km"}),
    ("キログラム|kg", {"kg"}), ("キロ", {"km", "kg"}), ("フィート", {"foot"}), ("センチメートル|センチ|cm", {"cm"}),
    ("メートル", {"metre"}), ("インチ", {"inch"}), ("エーカー", {"acre"}), ("ヘクタール", {"hectare"}), ("トン", {"ton"}),
    ("ガロン", {"gallon"}), ("リットル", {"litre"}), ("°F|℉", {"F"}), ("°C|℃", {"C"}),
    ("%ポイント|パーセントポイント|ポイント", {"pp"}), ("%|パーセント", {"percent"}),
]
_JA_UNIT_AFTER_RE = re.compile(r"\s?(?:" + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(_JA_UNIT_AFTER)) + ")")
_JA_UNIT_BEFORE = {"華氏": {"F"}, "摂氏": {"C"}, "$": {"USD"}, "US$": {"USD"}, "€": {"EUR"}, "£": {"GBP"}, "¥": {"JPY"}, "￥": {"JPY"}}


def english_unit(text: str, q: Quantity) -> frozenset[str]:
    """The units (``UNIT_DIMENSIONS``' codes) the English quantity ``q`` of ``text`` is counted in:
    a currency sign before it, or a unit word after it; empty when it has none."""
    before = _EN_UNIT_BEFORE.search(text[max(0, q.start - 4) : q.start])
    if before:
        sign = before.group().strip()
        return frozenset(_EN_UNIT_BEFORE_CODES.get(sign[-1] if sign.endswith("$") else sign, {"USD"} if sign.endswith("$") else ()))
    m = _EN_UNIT_AFTER_RE.match(text, q.end)
    if m is None:
        return frozenset()
    return frozenset(_EN_UNIT_AFTER[int(next(k for k, v in m.groupdict().items() if v)[1:])][1])


def japanese_unit(text: str, q: Quantity) -> frozenset[str]:
    """The same for a Japanese quantity: 華氏, 摂氏 or a currency sign before it, a unit after it."""
    head = nfkc_per_char(text[max(0, q.start - 3) : q.start]).rstrip()
    for sign, units in _JA_UNIT_BEFORE.items():
        if head.endswith(sign):
            return frozenset(units)
    m = _JA_UNIT_AFTER_RE.match(nfkc_per_char(text), q.end)  # ％ and ｋｍ as % and km
    if m is None:
        return frozenset()
    return frozenset(_JA_UNIT_AFTER[int(next(k for k, v in m.groupdict().items() if v)[1:])][1])


# Dates as (month, day), and hours with a.m./p.m., to catch what matching values alone cannot: a
# month and a day swapped (April 10 → 10月4日) or a.m. and p.m. swapped (5 p.m. → 午前5時).
_EN_MONTH_NAME = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_MONTH_DAY = re.compile(rf"\b(?P<m1>{_EN_MONTH_NAME})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
                           rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_EN_MONTH_NAME})(?![a-z])", re.IGNORECASE)
_JA_MONTH_DAY = re.compile(r"(?<![\d〇一二三四五六七八九十])(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日")
_EN_HOUR = re.compile(r"\b(\d{1,2})(?::\d{2})?\s?([ap])\.?m\b\.?", re.IGNORECASE)
_JA_HOUR = re.compile(r"(午前|午後)\s?(\d{1,2}|[一二三四五六七八九十]{1,3})時")


def _small_int(text: str) -> int | None:
    return int(text) if text.isdigit() else _kanji_int(text)


def english_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(month, day, start, end) of each date written with a month's name: April 10, 10 April, Apr. 10th."""
    out = []
    for m in _EN_MONTH_DAY.finditer(text):
        name = (m.group("m1") or m.group("m2")).rstrip(".").lower()
        day = int(m.group("d1") or m.group("d2"))
        if m.group("m1") and not m.group("m1")[0].isupper():
            continue  # "may 5" is the verb more often than the month
        if 1 <= day <= 31:
            out.append((_MONTHS[name], day, m.start(), m.end()))
    return out


def japanese_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(month, day, start, end) of each M月D日 (Arabic, full-width or kanji numerals)."""
    norm = nfkc_per_char(text)
    out = []
    for m in _JA_MONTH_DAY.finditer(norm):
        month, day = _small_int(m.group(1)), _small_int(m.group(2))
        if month is not None and day is not None and 1 <= month <= 12 and 1 <= day <= 31:
            out.append((month, day, m.start(), m.end()))
    return out


def english_meridiem_hours(text: str) -> list[tuple[int, str, int, int]]:
    """(hour, 'a' or 'p', start, end) of each hour written with a.m. or p.m."""
    return [(int(m.group(1)), m.group(2).lower(), m.start(), m.end()) for m in _EN_HOUR.finditer(text) if 1 <= int(m.group(1)) <= 12]


def japanese_meridiem_hours(text: str) -> list[tuple[int, str, int, int]]:
    """(hour, 'a' for 午前 or 'p' for 午後, start, end) of each 午前/午後 N時."""
    norm = nfkc_per_char(text)
    out = []
    for m in _JA_HOUR.finditer(norm):
        hour = _small_int(m.group(2))
        if hour is not None:
            out.append((hour, "a" if m.group(1) == "午前" else "p", m.start(), m.end()))
    return out


_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_WEEKDAY = re.compile(r"\b(" + "|".join(_EN_WEEKDAYS) + r")s?\b")
_JA_WEEKDAY = re.compile(r"([月火水木金土日])曜")


def english_weekdays(text: str) -> list[tuple[int, int, int]]:
    """(weekday 0-6 from Monday, start, end) of each weekday named in full (Monday, Tuesdays)."""
    return [(_EN_WEEKDAYS.index(m.group(1)), m.start(), m.end()) for m in _EN_WEEKDAY.finditer(text)]


def japanese_weekdays(text: str) -> list[tuple[int, int, int]]:
    """The same for 月曜(日) … 日曜(日)."""
    return [("月火水木金土日".index(m.group(1)), m.start(), m.end()) for m in _JA_WEEKDAY.finditer(text)]


# Days, weeks, months and years named relative to now, and their opposites.
RELATIVE_TIMES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "yesterday": (r"\byesterday\b", "昨日|前日", ("tomorrow", "today")),
    "today": (r"\btoday\b", "今日|本日", ("yesterday", "tomorrow")),
    "tomorrow": (r"\btomorrow\b", "明日(?!香)|翌日", ("yesterday", "today")),
    "last week": (r"\blast week\b", "先週|前週", ("next week",)),
    "next week": (r"\bnext week\b", "来週|翌週", ("last week",)),
    "last month": (r"\blast month\b", "先月|前月", ("next month",)),
    "next month": (r"\bnext month\b", "来月|翌月", ("last month",)),
    "last year": (r"\blast year\b", "昨年|去年|前年", ("next year",)),
    "next year": (r"\bnext year\b", "来年|翌年", ("last year",)),
}
_REL_EN = {k: re.compile(en, re.IGNORECASE) for k, (en, _, _) in RELATIVE_TIMES.items()}
_REL_JA = {k: re.compile(ja) for k, (_, ja, _) in RELATIVE_TIMES.items()}


def relative_time_forms(word: str) -> list[str]:
    """The Japanese renderings of a relative time, as written (without the patterns' lookarounds)."""
    return [re.sub(r"\(\?<?[!=].*?\)", "", f) for f in RELATIVE_TIMES[word][1].split("|")]


def relative_time_flips(source: str, target: str) -> list[tuple[str, str, re.Match[str], re.Match[str]]]:
    """(English word, the one the translation says instead, its match in ``source``, its match in
    ``target``) for each relative time of the source (yesterday, next year…) that the
    translation does not render while it renders an opposite the source does not say."""
    said = {k: m for k, r in _REL_EN.items() if (m := r.search(source))}
    rendered = {k: m for k, r in _REL_JA.items() if (m := r.search(target))}
    out = []
    for word, m in said.items():
        if word in rendered:
            continue
        other = next((o for o in RELATIVE_TIMES[word][2] if o in rendered and o not in said), None)
        if other is not None:
            out.append((word, other, m, rendered[other]))
    return out


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def scale_slip(a: float, b: float) -> int | None:
    """If b is a times a power of ten (10 to 10^12), that power; a unit slip (billion ↔ 億)."""
    if a == 0 or b == 0:
        return None
    import math

    ratio = math.log10(abs(b / a))
    k = round(ratio)
    if k != 0 and abs(ratio - k) < 1e-6 and abs(k) <= 12:
        return k
    return None
