import random

import pytest

from audit.segment import segment_text


def texts(text, lang, **kw):
    segs = segment_text(text, lang, **kw)
    for s in segs:
        assert text[s.start : s.end] == s.text
    return [s.text for s in segs]


def test_japanese_terminal_punctuation_and_quotes():
    t = "彼は「行く。帰る。」と言った。次の文です！　本当？"
    assert texts(t, "ja") == ["彼は「行く。帰る。」と言った。", "次の文です！", "本当？"]


def test_japanese_quoted_sentence_then_narration():
    assert texts("「ありがとう。」彼は笑った。", "ja") == ["「ありがとう。」", "彼は笑った。"]


def test_parenthetical_with_full_stop_is_one_sentence():
    assert texts("（注：これは例です。）次。", "ja") == ["（注：これは例です。）", "次。"]


def test_english_abbreviations_initials_decimals_dates():
    t = "Dr. Smith met the U.S. President on Apr. 10, 2024. The talks lasted 2.5 hours! John F. Kennedy was No. 1. Yes."
    assert texts(t, "en") == [
        "Dr. Smith met the U.S. President on Apr. 10, 2024.",
        "The talks lasted 2.5 hours!",
        "John F. Kennedy was No. 1.",
        "Yes.",
    ]


def test_dotted_acronym_ends_sentence_before_an_opener():
    assert texts("He moved to the U.S. The rest followed.", "en") == ["He moved to the U.S.", "The rest followed."]
    assert texts("Acme Inc. said so. Then it left.", "en") == ["Acme Inc. said so.", "Then it left."]
    assert texts("Acme Inc. Tokyo office.", "en") == ["Acme Inc. Tokyo office."]


def test_bullets_headings_and_paragraphs():
    t = "# Title\n\n- first item\n- second item\n\n  • 2024年4月10日\n"
    segs = segment_text(t, "en", markdown=True)
    assert [(s.text, s.kind) for s in segs] == [
        ("Title", "heading"),
        ("first item", "item"),
        ("second item", "item"),
        ("2024年4月10日", "item"),
    ]
    assert [s.paragraph for s in segs] == [0, 1, 1, 2]


def test_hard_wrapped_english_is_joined():
    t = "This line is hard wrapped at about sixty characters so it must\ncontinue on the next line. Next one.\n"
    assert texts(t, "en") == ["This line is hard wrapped at about sixty characters so it must\ncontinue on the next line.", "Next one."]


def test_wrapped_line_going_on_with_a_capitalised_word_is_joined():
    t = (
        "The committee met on Monday to review the draft budget for the\n"
        "coming year, and the members agreed that the funds for rural\n"
        "Japanese language schools should be raised by a tenth before the\n"
        "vote. It adjourned at noon.\n"
    )
    assert texts(t, "en") == [
        "The committee met on Monday to review the draft budget for the\ncoming year, and the members agreed that the "
        "funds for rural\nJapanese language schools should be raised by a tenth before the\nvote.",
        "It adjourned at noon.",
    ]


def test_unpunctuated_lines_of_a_text_that_is_not_wrapped_stay_apart():
    # one message per line, without final stops: the lines vary in length, so a capitalised line
    # after a long one starts a new segment
    t = (
        "You can come back whenever you like, our support window is open all week long\n"
        "I hope you find a solution soon\n"
        "Thank you for contacting us today, it was a pleasure to help you with your order and your account.\n"
        "Have a good evening\n"
    )
    assert texts(t, "en") == [
        "You can come back whenever you like, our support window is open all week long",
        "I hope you find a solution soon",
        "Thank you for contacting us today, it was a pleasure to help you with your order and your account.",
        "Have a good evening",
    ]


def test_mixed_newlines_keep_offsets():
    t = "一行目。\r\n二行目。\r三行目。\n\r\n四行目。"
    assert texts(t, "ja") == ["一行目。", "二行目。", "三行目。", "四行目。"]


def test_presegmented_ids_are_nonblank_lines():
    t = "first\nsecond\n\n  third  \n"
    segs = segment_text(t, "en", presegmented=True)
    assert [s.text for s in segs] == ["first", "second", "third"]
    assert [s.paragraph for s in segs] == [0, 0, 1]


def test_markdown_code_fences_are_skipped():
    t = "Text.\n\n```\ncode. Not prose.\n```\nAfter."
    assert texts(t, "en", markdown=True) == ["Text.", "After."]


def test_long_line_is_capped_and_linear():
    t = "あいう、" * 60000
    segs = segment_text(t, "ja", max_chars=2000)
    assert all(len(s.text) <= 2000 for s in segs)
    assert "".join(s.text for s in segs) == t


def test_random_text_round_trips_and_is_ordered():
    rng = random.Random(7)
    alphabet = list("あいう漢字カナABC abc.。!？「」（）()\n\r 　・1234,、") + ["\r\n", "\n\n"]
    for _ in range(200):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for lang in ("ja", "en"):
            segs = segment_text(t, lang)
            last = 0
            for i, s in enumerate(segs):
                assert s.id == i
                assert t[s.start : s.end] == s.text and s.text.strip()
                assert s.start >= last
                last = s.end


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_unbalanced_bracket_does_not_swallow_sentences(lang):
    t = "「始まり。終わりのない引用。次の文。"
    assert len(segment_text(t, lang)) == 3


def test_segment_at_finds_the_containing_sentence():
    from audit.io.document import document_from_text

    doc = document_from_text("一つ目の文。二つ目の文。\n\n三つ目。", "ja")
    assert doc.segment_at(0).id == 0
    assert doc.segment_at(doc.segments[1].start + 2).id == 1
    assert doc.segment_at(len(doc.text) - 1).id == 2
