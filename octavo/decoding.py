"""Bytes -> text: the encoding of a source file, and the characters XML cannot carry.

The only module that knows charset-normalizer. UTF-8 (with or without a byte-order mark) is read
quietly; UTF-16/32, legacy code pages and binary files are read with a diagnostic naming what was
found. Line ends become LF. Never raises on bad input.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from .diagnostics import Collector, LineIndex
from .expressions import lazy

# XML 1.0 forbids C0 controls other than tab, LF and CR; we also drop C1 controls and
# noncharacters, and our own private-use placeholders (see dialect.py).
FORBIDDEN = lazy(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ue000\ue001]"
)

_FORGED_REF = lazy(r"&#(?:[xX]0*[eE]00[01]|0*5734[45]);")  # the same characters, written as references


def decode(raw: bytes, report: Collector) -> str:
    """Bytes -> text with LF line ends. UTF-8, with or without a byte-order mark, is read quietly;
    anything else is read with a warning naming the encoding used:

    - UTF-16 or UTF-32 with a byte-order mark; UTF-16 without one (a file with zero bytes, which
      UTF-8 text never has, that charset-normalizer recognises as UTF-16);
    - invalid UTF-8 (see :func:`_decode_legacy`): UTF-8 with stray Windows-1252 bytes, a non-Latin
      legacy encoding that charset-normalizer detects, else Windows-1252 as before.
    """
    if raw.startswith(BINARY_SIGNATURES):
        return _binary(report)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif (unicode := _utf16_or_32(raw)) is not None:
        text = _decode_unicode(raw, *unicode, report)
        return _binary(report) if text is None else text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(raw):
        return _binary(report)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _decode_legacy(raw, exc, report)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _binary(report: Collector) -> str:
    report.error("source.binary", "this looks like a binary file, not Markdown text")
    return ""


UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 little-endian"),  # before UTF-16 LE: same start
                (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 big-endian"),
                (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 little-endian"),
                (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 big-endian"))


def _utf16_or_32(raw: bytes) -> tuple[str, str, str] | None:
    """(codec, its name, how it was found) for UTF-16/32 text: by its byte-order mark, or, for a file
    with zero bytes in its first 64 KB, by charset-normalizer, which recognises UTF-16 without a mark
    from a few lines (measured on every corpus text, from 300 characters on, both byte orders)."""
    for bom, codec, name in UNICODE_BOMS:
        if raw.startswith(bom):
            return codec, name, "it starts with a byte-order mark"
    if b"\x00" not in raw[:65536]:
        return None
    detected = _detect(raw)
    codec = detected.encoding.replace("_", "-") if detected is not None else ""
    for _, known, name in UNICODE_BOMS:
        if codec == known:
            return codec, name, "detected; it has no byte-order mark"
    return None


def _decode_unicode(raw: bytes, codec: str, name: str, found_by: str, report: Collector) -> str | None:
    """UTF-16/32 bytes -> text without the byte-order mark; None when that is not text (junk that
    happens to start like a byte-order mark reads as private-use, unassigned and control characters)."""
    bom = next((b for b, c, _ in UNICODE_BOMS if c == codec), b"")
    raw = raw[len(bom):] if raw.startswith(bom) else raw
    text = raw.decode(codec, errors="replace")
    sample = text[:8192]
    junk = sum(1 for c in sample if c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs")
               or c == "\ufffd")
    if junk > max(4, len(sample) // 20):
        return None
    report.warn("source.encoding", f"read as {name} ({found_by}), not UTF-8", 1)
    try:
        raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
        report.warn("source.encoding", f"not valid {name}; undecodable bytes replaced with U+FFFD", line)
    return text


def _decode_legacy(raw: bytes, exc: UnicodeDecodeError, report: Collector) -> str:
    """Bytes that are not valid UTF-8, read by the first rule that fits:

    1. mostly UTF-8 (more valid multi-byte characters than stray bytes, e.g. a curly quote pasted
       from Windows): UTF-8, each stray byte read as Windows-1252;
    2. non-ASCII bytes in runs (words of Cyrillic, Greek, Hebrew, Arabic, CJK in a single- or
       double-byte code page) and a confident non-Latin reading by charset-normalizer
       (:func:`_detect_legacy`): that encoding. Latin code pages are not guessed:
       detectors cannot tell them apart in a short text, and Windows-1252 is the usual one;
    3. Windows-1252 (bytes it leaves undefined make the whole file UTF-8 with U+FFFD).
    """
    line = raw.count(b"\n", 0, exc.start) + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    where = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})"
    escaped = raw.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY_BYTE.findall(escaped))
    if len(_UTF8_CHARACTER.findall(escaped)) > stray:
        text = _STRAY_BYTE.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", errors="replace"), escaped)
        report.warn("source.encoding", f"{where}; {stray} stray byte(s) read as Windows-1252, the rest as UTF-8", line)
        return text
    detected = _detect_legacy(raw) if _in_words(raw) else None
    if detected is not None:
        codec, language = detected
        name = codec.replace("_", "-")
        name = f"Windows-{name[2:]}" if re.fullmatch(r"cp125\d", name) else name
        report.warn("source.encoding", f"{where}; read as {name}, the encoding detected ({language})", line)
        return raw.decode(codec, errors="replace")
    try:
        text = raw.decode("cp1252")
        how = "read as Windows-1252 instead"
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        how = "undecodable bytes replaced with U+FFFD"
    report.warn("source.encoding", f"{where}; {how}", line)
    return text


_STRAY_BYTE = lazy("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape keeps it
_UTF8_CHARACTER = lazy("[^\x00-\x7f\udc80-\udcff]")
_NON_ASCII_RUN = lazy(rb"[\x80-\xff]+")


def _in_words(raw: bytes) -> bool:
    """Non-ASCII bytes come in runs (mean length >= 2.5), as whole words of a non-Latin script do in a
    legacy code page (measured: 3 to 230), not one by one as accents and curly quotes do in
    Windows-1252 text (1.0 to 1.6, a Polish pangram being the worst)."""
    runs = [len(r) for r in _NON_ASCII_RUN.findall(raw[:65536])]
    return bool(runs) and sum(runs) / len(runs) >= 2.5


def _detect_legacy(raw: bytes) -> tuple[str, str] | None:
    """(codec, language) of a confident non-Latin reading, or None.

    Japanese is recognised by its hiragana (a fifth of the letters of any Japanese prose) in a strict
    Shift_JIS or EUC-JP reading: charset-normalizer takes short Japanese texts for Chinese or Korean.
    Otherwise charset-normalizer must read it with little chaos (<= 0.1) as at least 16 non-ASCII
    letters, 90 % of them non-Latin. KOI8-R lower case is Shift_JIS half-width katakana, which real
    Japanese text hardly uses: such a reading is retried without the Shift_JIS family (measured: 13
    of 200 KOI8-R excerpts of the Russian Manifesto, all 13 then right).
    """
    for codec in ("cp932", "euc-jp"):
        try:
            if _letters(raw.decode(codec), "HIRAGANA") >= 0.2:
                return codec, "Japanese"
        except UnicodeDecodeError:
            continue
    detected = _detect(raw)
    if detected is not None and _letters(str(detected), "HALFWIDTH KATAKANA") > 0.5:
        detected = _detect(raw, exclude=("shift_jis", "shift_jis_2004", "shift_jisx0213", "cp932"))
    if detected is None or detected.chaos > 0.1:
        return None
    text = str(detected)
    letters = sum(1 for c in text[:65536] if ord(c) > 0x7F and c.isalpha())
    if letters < 16 or _letters(text, "LATIN") >= 0.1:
        return None
    return detected.encoding, detected.language


def _letters(text: str, script: str) -> float:
    """The share of the non-ASCII letters in (the first 64 K characters of) text whose Unicode name
    starts with ``script``."""
    letters = [c for c in text[:65536] if ord(c) > 0x7F and c.isalpha()]
    return sum(1 for c in letters if unicodedata.name(c, "").startswith(script)) / len(letters) if letters else 0.0


def _detect(raw: bytes, exclude: tuple[str, ...] = ()):
    """charset-normalizer's best guess (a CharsetMatch) or None. Imported here: it costs ~50 ms and
    only files that are not UTF-8 need it."""
    import charset_normalizer

    return charset_normalizer.from_bytes(raw, cp_exclusion=list(exclude) or None).best()


BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF",
                     b"MZ\x90\x00", b"\xd0\xcf\x11\xe0", b"BZh", b"\xfd7zXZ")


def _looks_binary(raw: bytes) -> bool:
    """A known binary format, or bytes that are not UTF-8 and have many control characters.

    Valid UTF-8 is always treated as text: its stray control characters are removed with a warning.
    """
    if raw.startswith(BINARY_SIGNATURES):
        return True
    sample = raw[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls < 4 or controls / len(sample) <= 0.05:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(raw) <= len(sample))
    except UnicodeDecodeError:
        return True
    return False


def clean_characters(text: str, report: Collector) -> str:
    bad_lines: dict[int, set[str]] = {}
    index = None
    for match in FORBIDDEN.finditer(text):
        index = index or LineIndex(text)
        bad_lines.setdefault(index.line(match.start()), set()).add(f"U+{ord(match.group()):04X}")
    for line, chars in list(bad_lines.items())[:20]:
        report.warn(
            "source.control-character",
            f"removed character(s) not allowed in XML: {', '.join(sorted(chars))}",
            line,
        )
    if len(bad_lines) > 20:
        report.warn("source.control-character", f"... and on {len(bad_lines) - 20} more lines")
    text = FORBIDDEN.sub("", text) if bad_lines else text
    index = None
    for match in _FORGED_REF.finditer(text):
        index = index or LineIndex(text)
        report.warn("source.control-character", f"removed character reference {match.group()} (reserved by Octavo)",
                    index.line(match.start()))
    return _FORGED_REF.sub("", text)
