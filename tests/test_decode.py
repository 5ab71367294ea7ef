import codecs

import pytest

from audit.errors import InputError
from audit.io.decode import decode, read_bytes

TEXT = "日米両国は、2024年4月10日に共同声明を発表した。\r\n次の文。\n"


@pytest.mark.parametrize(
    "data,expected",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("cp932"), "cp932"),
        (TEXT.encode("euc_jp"), "euc_jp"),
    ],
)
def test_encodings_decode_to_the_same_text(data, expected):
    decoded = decode(data)
    assert decoded.text == TEXT
    assert decoded.encoding == expected


def test_utf16_without_bom_is_sniffed():
    data = "Hello world, this is English text.\n".encode("utf-16-le")
    assert decode(data).text.startswith("Hello")


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00\xff\xfe\x00\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ],
)
def test_bad_bytes_are_refused_with_a_reason(data, needle):
    with pytest.raises(InputError, match=needle):
        decode(data, path="x.txt")


def test_undecodable_bytes_are_reported_with_offset():
    data = "正しい文。".encode() + b"\xff\xfe\xfa\xfb\x80\x81" * 20
    with pytest.raises(InputError, match=r"undecodable|binary"):
        decode(data, path="x.txt")


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 2048)
    with pytest.raises(InputError, match="limit"):
        read_bytes(p, max_bytes=1024)
    assert read_bytes(p, max_bytes=4096)


def test_directory_and_missing(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_bytes(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_bytes(tmp_path / "nope.txt")


def test_windows_1252_english_source():
    text = "Caf\u00e9 r\u00e9sum\u00e9 \u201cquoted\u201d \u2013 an English sentence."
    decoded = decode(text.encode("cp1252"))
    assert decoded.encoding == "cp1252" and decoded.text == text
