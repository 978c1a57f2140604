"""Decode input bytes, refuse binary files, and tell which kind of copy it is (text, markdown or
HTML).

Decoding order: a byte-order mark; UTF-16/32 without one (told by where the NUL bytes sit); the
page's own `<meta charset>` (or XML declaration); strict UTF-8 (lone surrogates encoded as UTF-8
included); else line by line: a line that is UTF-8 with a few broken bytes stays UTF-8 (U+FFFD for
the broken bytes), the other lines are legacy 8-bit text (Windows-1251, KOI8-R/U, Windows-1252...)
told by charset-normalizer on long text and by a small plausibility score on short text, where
charset-normalizer guesses wrong (it reads a cp1251 "Новости" as Japanese).
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from dataclasses import dataclass

import regex

# HTML meta charset wins over guessing: the page said what it is.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HTML_SNIFF = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<meta\b|<title\b)",
    re.I | re.S,
)
# A text copy that is really HTML without a doctype: many block tags early on.
_HTML_TAGS = re.compile(r"</?(?:div|p|span|a|script|style|article|section|table|li|ul|br)\b", re.I)

# Unambiguous markdown constructs (a scraper's markdown copy, even when saved as .txt): links,
# autolinks, bold, headings, images. Their matches are those of the alternation
# r"\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]+>|\*\*[^*\n]+\*\*|^#{1,6} \S|^!\[" (see _md_signals),
# but a pattern of its own lets each skip past openers that fail alike: in the alternation every
# unclosed "[" or "<http" was scanned to the end of its line, quadratic in the line's length.
# (*SKIP): where the next try starts once a match fails past it (normalise._MD_LINK says why
# that is exact); \x1c-\x1f because the `regex` module's \s lacks them and `re`'s has them.
_MD_SIGNALS = (
    regex.compile(r"\[[^\]\n]*+(*SKIP)\]\([^)\n]*+(*SKIP)\)"),
    regex.compile(r"<https?://[^>\s\x1c-\x1f]++(*SKIP)>"),
    re.compile(r"\*\*[^*\n]+\*\*"),
    re.compile(r"^#{1,6} \S|^!\[", re.M),
)
_MD_HINTS = ("](", "<http", "**", "#", "![")  # every _MD_SIGNALS match holds one of these
MD_SIGNALS_NEEDED = 2  # one stray "**" or "[x](y)" in plain text is not enough to call it markdown

# --- binary files ------------------------------------------------------------------------------

# File signatures: an image, archive or PDF renamed .html is not a page. (Checked before anything
# else, so a gzip file full of high bytes never reaches the charset guessers.)
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"\x00\x00\x01\x00", "icon"),
    (8, b"WEBP", "WebP image"),
    (4, b"ftyp", "MP4/HEIF media"),
    (0, b"%PDF-", "PDF document"),
    (0, b"\x1f\x8b", "gzip data"),
    (0, b"PK\x03\x04", "zip archive"),
    (0, b"PK\x05\x06", "zip archive"),
    (4, b"1AY&SY", "bzip2 data"),
    (0, b"\xfd7zXZ\x00", "xz data"),
    (0, b"\x28\xb5\x2f\xfd", "zstd data"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"\x00asm", "WebAssembly"),
    (0, b"wOFF", "WOFF font"),
    (0, b"wOF2", "WOFF2 font"),
    (0, b"OggS", "Ogg media"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"ID3", "MP3 audio"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
)
# Control bytes that text never has (tab, newlines, FF/VT, ESC and the separators 1C-1E aside).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1B), 0x1F, 0x7F])
BINARY_SAMPLE = 8192  # bytes looked at
BINARY_CONTROL_SHARE = 0.05  # random or compressed bytes have ~10% control bytes; text ~0%


def _nul_layout(sample: bytes) -> str | None:
    """'utf-16-le/be' or 'utf-32-le/be' for BOM-less UTF-16/32 text (told by where the NULs sit)."""
    n4 = len(sample) // 4 * 4
    if n4 >= 8:
        quads = [sample[i:n4:4] for i in range(4)]
        zero = [q.count(0) == len(q) for q in quads]
        if zero[2] and zero[3] and not zero[0]:
            return "utf-32-le"
        if zero[0] and zero[1] and not zero[3]:
            return "utf-32-be"
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    half = n // 2
    z_even, z_odd = sample[0:n:2].count(0), sample[1:n:2].count(0)
    if z_odd >= 0.1 * half and z_even <= 0.01 * half:
        enc = "utf-16-le"
    elif z_even >= 0.1 * half and z_odd <= 0.01 * half:
        enc = "utf-16-be"
    else:
        return None
    text = sample[:n].decode(enc, errors="replace")
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\x0c"))
    return enc if bad <= 0.02 * len(text) else None


def binary_kind(data: bytes) -> str | None:
    """What a binary file is ("PNG image", "gzip data", ...), or None for text.

    Text with a few NUL or control bytes in it is text (normalise drops them); a file that is
    mostly control bytes, or starts with a known file signature, is binary.
    """
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        if data.startswith(bom):
            return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(
        b"\xff\xfe\x00\x00"
    ):
        return None
    for offset, magic, kind in _MAGIC:
        if data.startswith(magic, offset):
            return kind
    if not data:
        return None
    # A download cut short is often padded with NULs: judge the bytes before the padding.
    sample = (data.rstrip(b"\x00") if data.endswith(b"\x00") else data)[:BINARY_SAMPLE]
    if not sample:
        return "only NUL bytes"
    if _nul_layout(sample) is not None:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > BINARY_CONTROL_SHARE * len(sample):
        return f"{controls / len(sample):.0%} control bytes"
    return None


# --- decoding ----------------------------------------------------------------------------------

# Labels browsers read differently from Python's codecs (WHATWG Encoding): a page that says
# latin-1 is Windows-1252, and a <meta> readable as ASCII cannot be UTF-16.
_LABEL_OVERRIDES = {
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
    "utf-8-sig": "utf-8",
}
# Codecs Python knows that no page is written in (UTF-7 browsers refuse outright).
_NOT_PAGE_ENCODINGS = frozenset(
    ("utf-7", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined", "palmos")
)
# The plausibility score picks among these and charset-normalizer's guess.
_LEGACY_CANDIDATES = ("cp1251", "koi8_r", "koi8_u", "cp1252")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # what was used: "utf-8", "cp1251", "utf-8+cp1251" for a mixed file...
    note: str | None = None  # a warning worth reporting (broken bytes replaced, ...)


def _label_encoding(label: bytes) -> str | None:
    try:
        info = codecs.lookup(label.decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return _LABEL_OVERRIDES.get(info.name, info.name)


def _declared(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _label_encoding(m.group(1)) if m else None


def _join_surrogates(text: str) -> str:
    """Surrogate pairs (CESU-8) become the character they stand for; lone ones become U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _utf8_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _join_surrogates(data.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError:
        return None


def _utf8_counts(text: str, raw: bytes) -> tuple[int, int]:
    """(characters decoded from multi-byte UTF-8, bytes replaced) of a utf-8 'replace' decode."""
    broken = text.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return good, broken


def _mostly_utf8(line: bytes) -> str | None:
    """A line of UTF-8 with a few broken bytes (a character cut in two, a stray byte), or None."""
    text = line.decode("utf-8", "replace")
    good, broken = _utf8_counts(text, line)
    return text if good >= 2 and good >= 2 * broken else None


def decode(data: bytes) -> str:
    """Bytes to str (see the module docstring for the order of the checks)."""
    return decode_info(data).text


def decode_info(data: bytes) -> Decoded:
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            text = _utf8_or_none(body) if enc == "utf-8" else None
            if text is None:
                text = data.decode(enc, errors="replace").lstrip("\ufeff")
            return Decoded(text, enc)
    layout = _nul_layout(data[:BINARY_SAMPLE]) if b"\x00" in data[:BINARY_SAMPLE] else None
    if layout is not None:
        return Decoded(data.decode(layout, errors="replace"), layout)
    declared = _declared(data)
    text = _utf8_or_none(data)
    if declared not in (None, "utf-8"):
        # The page's charset wins, except over bytes that are valid UTF-8 with multi-byte
        # characters: that is a copy re-encoded to UTF-8 when it was saved (scrapers do this and
        # keep the <meta>), and legacy 8-bit text is practically never valid UTF-8 by chance.
        if text is None or text.isascii():
            try:
                return Decoded(data.decode(declared, errors="replace"), declared)
            except (LookupError, UnicodeError):
                pass  # a codec that cannot decode at all: guess as if nothing was declared
        else:
            return Decoded(text, "utf-8", f"page declares {declared}, but the bytes are UTF-8")
    if text is not None:
        return Decoded(text, "utf-8")
    good, _ = _utf8_counts(data.decode("utf-8", "replace"), data)
    if good == 0:  # not one UTF-8 character: all legacy 8-bit text
        enc = detect_legacy(data)
        return Decoded(data.decode(enc, errors="replace"), enc)
    # Neither declared (or a <meta> saying UTF-8 that the bytes contradict) nor valid UTF-8:
    # line by line, as a corpus file may be two copies glued together.
    lines = data.split(b"\n")
    out: list[str] = []
    legacy: list[int] = []
    broken = 0
    utf8_seen = False  # a line with non-ASCII UTF-8 in it
    for i, line in enumerate(lines):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        decoded = _utf8_or_none(line)
        if decoded is None:
            decoded = _mostly_utf8(line)
            broken += decoded is not None
        if decoded is None:
            legacy.append(i)
            decoded = ""
        else:
            utf8_seen = True
        out.append(decoded)
    encodings = ["utf-8"] if utf8_seen else []
    if legacy:
        enc = detect_legacy(b"\n".join(lines[i] for i in legacy))
        for i in legacy:
            out[i] = lines[i].decode(enc, errors="replace")
        encodings.append(enc)
    note = f"{broken} line(s) of broken UTF-8: bad bytes replaced with U+FFFD" if broken else None
    return Decoded("\n".join(out), "+".join(encodings) or "utf-8", note)


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
SAMPLE_BYTES = 65536  # the guessers see this much text around non-ASCII bytes
SAMPLE_CONTEXT = 40


def _high_byte_sample(data: bytes) -> bytes:
    """The text around the first non-ASCII bytes (a page's ASCII markup says nothing)."""
    if len(data) <= SAMPLE_BYTES:
        return data
    spans: list[list[int]] = []
    total = 0
    for m in _HIGH_RUN.finditer(data):
        a, b = max(0, m.start() - SAMPLE_CONTEXT), m.end() + SAMPLE_CONTEXT
        if spans and a <= spans[-1][1]:
            total += b - spans[-1][1]
            spans[-1][1] = b
        else:
            spans.append([a, b])
            total += b - a
        if total >= SAMPLE_BYTES:
            break
    return b"\n".join(data[a:b] for a, b in spans)


def detect_legacy(data: bytes) -> str:
    """The 8-bit (or legacy multi-byte) encoding of bytes that are not UTF-8.

    charset-normalizer's guess competes with the encodings of the corpus (Windows-1251, KOI8-R,
    KOI8-U, Windows-1252) on the plausibility score: it misreads short Cyrillic as Japanese, and
    long repetitive Cyrillic as Central European (cp1250).
    """
    from charset_normalizer import from_bytes

    sample = _high_byte_sample(data)
    best = from_bytes(sample).best()
    guess = best.encoding if best is not None else None
    if guess is not None and guess.startswith(("utf_8", "utf_16", "utf_32", "ascii")):
        guess = None
    candidates = [
        *_LEGACY_CANDIDATES,
        *([guess] if guess and guess not in _LEGACY_CANDIDATES else []),
    ]
    scores = [
        (plausibility(sample.decode(c, errors="replace")), -i, c) for i, c in enumerate(candidates)
    ]
    return codecs.lookup(max(scores)[2]).name


# Letter frequencies (per cent) of Russian and Ukrainian text together; a misread encoding swaps
# common letters for rare ones (and upper case for lower case, between KOI8 and Windows-1251).
_CYRILLIC_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъёіїєґ",
        (
            10.0,
            8.0,
            8.0,
            6.8,
            6.7,
            6.0,
            5.3,
            4.7,
            4.5,
            4.3,
            3.5,
            3.2,
            3.0,
            2.8,
            2.7,
            2.0,
            1.6,
            1.6,
            1.7,
            1.7,
            1.6,
            1.4,
            1.2,
            1.0,
            0.9,
            0.7,
            0.6,
            0.5,
            0.35,
            0.3,
            0.3,
            0.05,
            0.1,
            2.5,
            0.6,
            0.4,
            0.05,
        ),
        strict=True,
    )
)
# The most common letter pairs of Russian and Ukrainian: unigrams cannot tell "ОБЩЕСТВО" from
# its KOI8 misreading "наыеярбн" (the same letters, swapped case), pairs can.
_PAIRS = (
    "ст но то на ен ов ни ра во ко ро ал пр ли по ер ла ре ос ол го не ор ва ет ел ка ин ны ат "
    "ит ле та ан ть од ом ес ль ак ти де ог ой ди ве ег ми ма ск об ий ых ие ые ся ая ое ии "
    "ри ві за ча че чт ва му бы ем им ам аз ев ас ом ую ши зн яв ьн ям ту ку ду ги ци ці ні "
    "ій ія ає ує ть ці пі ки сь лі"
)
_CYRILLIC_PAIRS = frozenset(_PAIRS.split())
_COMMON_MARKS = set("«»—–…“”‘’„€№°•©®™½¼¾±×\u00a0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_JOINERS = set("’'‑‐–—·\u00a0")  # may stand between two letters of real text


def _in_token(c: str) -> bool:
    return c > "\x7f" or c.isalpha()


_WORD_REACH = 40


def _script(c: str) -> str:
    o = ord(c)
    if o < 0x250:
        return "latin"
    if 0x400 <= o < 0x530:
        return "cyrillic"
    if 0xFF00 <= o < 0xFFF0:
        return "halfwidth"  # half-width katakana: what short Cyrillic read as Shift_JIS gives
    if 0x370 <= o < 0x400 or 0x590 <= o < 0x700 or 0xE00 <= o < 0xE80:
        return "alphabet"  # Greek, Hebrew, Arabic, Thai
    if 0x3040 <= o < 0x3100 or 0x4E00 <= o < 0xA000 or 0xAC00 <= o < 0xD7B0:
        return "cjk"  # kana, common ideographs, hangul
    return "rare"


def _word_score(word: str) -> float:
    high = sum(1 for c in word if c > "\x7f")
    if len({_script(c) for c in word}) > 1:
        return -2.0 * high  # "StraЯe": a Latin word read as Cyrillic
    cased = "".join(c for c in word if c.isupper() or c.islower())
    if len(cased) >= 2 and not (cased[1:].islower() or cased.isupper()):
        return -2.0 * high  # "пРИВЕТ": KOI8 read as Windows-1251 or the other way round
    script = _script(word[0])
    if script == "latin":
        # "Ïðèâåò": Cyrillic read as Windows-1252 gives words of accented letters only.
        return -1.5 * high if len(word) >= 4 and high == len(word) else 0.5 * high
    if script == "cyrillic":
        low = word.lower()
        pairs = sum(1 for i in range(len(low) - 1) if low[i : i + 2] in _CYRILLIC_PAIRS)
        # All capitals are rarer than all small letters (and KOI8 and Windows-1251 swap them).
        caps = 0.25 * (len(word) - 1) if len(cased) >= 2 and cased.isupper() else 0.0
        return (
            high
            + 0.5 * sum(math.log(_CYRILLIC_FREQ.get(c, 0.02)) for c in low if c > "\x7f")
            + pairs
            - caps
        )
    return {"alphabet": 0.0, "cjk": 0.0, "halfwidth": -3.0}.get(script, -1.0) * high


def _mark_score(c: str) -> float:
    if c in _COMMON_MARKS:
        return 0.5
    o = ord(c)
    cat = unicodedata.category(c)
    if c == "\ufffd" or cat in ("Cc", "Co", "Cn") or 0x2500 <= o < 0x25A0:
        return -3.0  # box drawing, C1 controls, unassigned: a misread, not text
    return -1.0


def plausibility(text: str) -> float:
    """How much the non-ASCII part of `text` looks like real words (higher is better).

    A token is a run of letters and non-ASCII characters around a non-ASCII one: its letters are
    scored as a word, its other characters as marks, and a mark glued between two letters
    ("Za©ÓЁ", Polish read as KOI8) costs extra.
    """
    score = 0.0
    done = -1
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        if i < done:
            continue
        a = i
        while a > 0 and i - a < _WORD_REACH and _in_token(text[a - 1]):
            a -= 1
        b = i + 1
        while b < len(text) and b - i < _WORD_REACH and _in_token(text[b]):
            b += 1
        done = b
        token = text[a:b]
        letters = "".join(c for c in token if c.isalpha())
        for j, c in enumerate(token):
            if not c.isalpha():
                score += _mark_score(c)
                inside = (
                    0 < j < len(token) - 1 and token[j - 1].isalpha() and token[j + 1].isalpha()
                )
                if inside and c not in _JOINERS:
                    score -= 1.0
        if letters:
            score += _word_score(letters)
    return score


def sniff_format(text: str, name: str | None = None) -> str:
    """'html', 'markdown' or 'text', from the file name when it says, else from the content."""
    suffix = (name or "").lower().rsplit(".", 1)[-1] if name and "." in name else ""
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    head = text[:4096]
    if _HTML_SNIFF.match(head) or len(_HTML_TAGS.findall(head)) >= 8:
        return "html"
    if suffix in ("md", "markdown"):
        return "markdown"
    if not any(hint in text for hint in _MD_HINTS):  # a substring test: no scan with the pattern
        return "text"
    return "markdown" if _md_signals(text, MD_SIGNALS_NEEDED) >= MD_SIGNALS_NEEDED else "text"


def _md_signals(text: str, needed: int) -> int:
    """How many matches the alternation of the _MD_SIGNALS patterns finds (its finditer), counted
    up to `needed`. A match's first character tells its construct, so no two patterns match at one
    place, and the alternation's next match is the leftmost of the patterns' next matches."""
    ahead = [p.search(text) for p in _MD_SIGNALS]  # each pattern's first match at or after pos
    pos = seen = 0
    while seen < needed:
        for k, m in enumerate(ahead):
            if m is not None and m.start() < pos:  # inside the last match: look again from its end
                ahead[k] = _MD_SIGNALS[k].search(text, pos)
        found = [m for m in ahead if m is not None]
        if not found:
            break
        seen += 1
        pos = min(found, key=lambda m: m.start()).end()
    return seen
