"""Where the print edition may break a word: the dictionary each language hyphenates with, and one
break per word throughout a book.

WeasyPrint hyphenates (``hyphens: auto``) with pyphen's pattern dictionaries, chosen by each
element's language, and takes, at each line's end, the hyphenation point nearest the end of the
line. Two things a proofreader sends back follow from that (measured over the shared corpus; the
table is in the manual's "Hyphenation" section):

- ``en`` and ``en-GB`` fall back to pyphen's British patterns, which break against the syllables
  ("derogat-ory", "evid-ent", "res-ult", "des-troy"); the American patterns (TeX's, from Liang's
  dictionary work) do not. All English is hyphenated with the American patterns here.
- A word with several hyphenation points is broken at different ones on different lines
  ("Petro-grad" and "Pet-rograd" in one book). Here each English word the book has more than once
  keeps one point, the one nearest its middle that leaves ``LEFT`` letters before and ``RIGHT``
  after it (print.css's ``hyphenate-limit-chars`` minimums), so it is broken the same way wherever
  it is broken: "revolu-tion", "Petro-grad", "dicta-torship". A word found once keeps every point
  (it cannot be broken two ways), which leaves the line breaker more choice.

:func:`install` puts these dictionaries where pyphen looks for them (its ``hdcache``, keyed by the
dictionary file each language falls back to), once per process, each read when a language first
asks for it, and tells them the book's repeated words before WeasyPrint lays it out (a book laid
out in chunks: the whole book's, so every chunk breaks a word alike).
A dictionary's parsed patterns are kept in the user's cache folder (``hyphenation/``, checked by
SHA-256, keyed by the pattern file's bytes and the versions of pyphen and Python): parsing a pattern
file takes 0.04 s (Russian) to 1.4 s (German, Hungarian) of CPU, loading the kept parse a
twentieth of that. A missing, damaged or unreadable file is parsed again. The parse is a pickle:
it is kept only in a folder that is the user's own (resources.user_cache), as compiled templates are.
This is the only module that imports pyphen.
"""
from __future__ import annotations

import hashlib
import pickle
import re
import sys
from collections import Counter
from pathlib import Path

from . import model as m
from .resources import keep, read_kept, user_cache

LEFT, RIGHT = 3, 3  # print.css: hyphenate-limit-chars: 6 3 3
PATTERNS = {"en": "en_US", "en_GB": "en_US", "en_US": "en_US"}  # a pyphen dictionary -> the patterns it is set with
ONE_POINT = ("en",)  # languages whose words keep one hyphenation point (pyphen's name, before any "_")
# Words the patterns break where a proofreader would not: the one break allowed ("" for none).
EXCEPTIONS = {
    "theory": "",  # "the-ory"
}

WORD = re.compile(r"\w+")  # a word, for counting and choosing: "Petrograd’s" is "Petrograd" and "s"
_installed = False
_repeated: frozenset[str] = frozenset()  # the words (lower case) found more than once in the book being laid out
_book = None  # that book
_chosen: dict[tuple, list[int]] = {}  # (dictionary, word) -> the points kept, for that book (asked again and again)


def install(book=None) -> None:
    """Make pyphen (and so WeasyPrint) hyphenate with Octavo's dictionaries, for ``book`` (the
    words it has more than once keep one hyphenation point; a word found once cannot be broken
    two ways and keeps them all)."""
    global _installed, _repeated, _book
    if book is not _book:  # a book laid out in chunks is counted once
        _book, _repeated = book, repeated_words(book) if book is not None else frozenset()
        _chosen.clear()
    if _installed:
        return
    import pyphen

    planned = {}
    for name, path in sorted(pyphen.LANGUAGES.items()):
        source = pyphen.LANGUAGES.get(PATTERNS.get(name, name), path)
        one = name.split("_")[0] in ONE_POINT
        planned[Path(path)] = (Path(source), one)  # every dictionary: its parse may be kept
    pyphen.hdcache = _Dictionaries(pyphen.hdcache, planned, pyphen.HyphDict)
    _installed = True


class _Dictionaries(dict):
    """pyphen's ``hdcache`` (dictionary file -> dictionary), with Octavo's dictionaries made when a
    language first asks for one: a book in German never reads the English patterns, and ``en``,
    ``en_GB`` and ``en_US`` share one dictionary read from one file (reading a pattern file takes
    0.14 s; all three were read before every layout). Every language's dictionary is made here, its
    parse kept (:func:`read`). pyphen asks ``path in hdcache`` and then ``hdcache[path]``."""

    def __init__(self, cached: dict, planned: dict, base):
        super().__init__({path: made for path, made in cached.items() if path not in planned})  # ours win
        self.planned = planned  # dictionary file -> (patterns file it is read from, one point per word?)
        self.base = base
        self.made: dict = {}  # (patterns file, one point?) -> dictionary

    def __contains__(self, path) -> bool:
        return dict.__contains__(self, path) or path in self.planned

    def __missing__(self, path):
        source, one = self.planned[path]  # KeyError for any other file, as a dict says
        if (source, one) not in self.made:
            self.made[source, one] = _one_point(self.base, source) if one else read(self.base, source)
        self[path] = self.made[source, one]
        return self[path]


def _one_point(base, path: Path):
    """A pyphen dictionary read from ``path`` that offers each word one hyphenation point."""

    class OnePoint(base):
        def positions(self, word):
            key = (OnePoint, word)
            if key not in _chosen:
                _chosen[key] = self._chosen(word)
            return _chosen[key]

        def _chosen(self, word):
            points = super().positions(word)
            kept = set()  # WeasyPrint may ask for words joined by a dash ("production—this"): word by word
            for match in WORD.finditer(word):
                part, start = match.group().lower(), match.start()
                inside = [p - start for p in points if start < p < match.end()]
                if part in _repeated or part in EXCEPTIONS:
                    inside = one_point(part, inside)
                kept.update(p + start for p in inside)
            return [p for p in points if p in kept]

    return read(OnePoint, path)


KEPT = 16  # parsed pattern files kept in the cache folder (a few languages per user)


def read(kind, path: Path):
    """``kind(path)``: a pyphen dictionary (``HyphDict`` or a subclass) of the patterns in ``path``,
    with the attributes its ``__init__`` sets (the parsed patterns) loaded from the user's cache
    when a parse of the same file by the same pyphen and Python is kept there, else parsed and kept."""
    import pyphen

    try:
        data = path.read_bytes()
    except OSError:
        return kind(path)  # pyphen says what is wrong with the file
    folder = user_cache("hyphenation")
    name = hashlib.sha256(f"{pyphen.__version__} {sys.version} {pickle.HIGHEST_PROTOCOL}\n".encode() + data)
    kept = folder / f"{name.hexdigest()}.pickle" if folder is not None else None
    state = _state(read_kept(kept))
    if state is not None:
        made = kind.__new__(kind)
        made.__dict__.update(state)
        return made
    made = kind(path)
    keep(kept, pickle.dumps(vars(made), protocol=pickle.HIGHEST_PROTOCOL), KEPT)
    return made


def _state(data: bytes | None) -> dict | None:
    """The attributes a kept parse holds, or None when there is none or it is not one."""
    if data is None:
        return None
    try:
        state = pickle.loads(data)
    except Exception:  # a file that checks out but does not load (another pyphen's classes): parse again
        return None
    if not isinstance(state, dict) or not isinstance(state.get("patterns"), dict) or state.get("cache") != {}:
        return None
    return state


def one_point(word: str, points: list) -> list:
    """Of a word's hyphenation points, the one kept: the exception's, else, of those that leave LEFT
    letters before and RIGHT after, the one nearest the word's middle (the later of two as near).
    A break helps a line when the space left at its end can take the first part: a point in the
    middle is of use to more lines than one near an end (measured: fewer loose lines)."""
    exception = EXCEPTIONS.get(word.lower())
    if exception is not None:
        wanted = len(exception.split("-")[0]) if exception else None
        return [p for p in points if p == wanted][:1]
    fitting = [p for p in points if LEFT <= p <= len(word) - RIGHT]
    return sorted(fitting, key=lambda p: (abs(2 * p - len(word)), -p))[:1]


_first: dict[tuple, object] = {}  # (language, left, right) -> its pyphen dictionary, or None


def breaks(word: str, language: str, left: int, right: int) -> list[int]:
    """Where ``word`` may be broken in ``language``, as WeasyPrint breaks it (with the dictionaries
    installed here, ``left`` and ``right`` letters at least on each side): the line composer
    (linebreak.py) learns from it how narrow a word's next part can be."""
    import pyphen

    key = (language, left, right)
    if key not in _first:
        fallback = pyphen.language_fallback(language) if language else None
        _first[key] = pyphen.Pyphen(lang=fallback, left=left, right=right) if fallback else None
    dictionary = _first[key]
    return [int(p) for p in dictionary.positions(word)] if dictionary is not None else []


def repeated_words(book: m.Book) -> frozenset[str]:
    """The words (lower case) a book has more than once, in its text and notes."""
    counts: Counter = Counter()
    for text in book.texts:
        for section in text.sections:
            blocks = [*m.walk_blocks(section.blocks)]
            for note in section.notes:
                blocks += m.walk_blocks(note.blocks)
            for block in blocks:
                if hasattr(block, "inlines"):
                    counts.update(WORD.findall(m.plain_text(block.inlines).lower()))
    return frozenset(word for word, count in counts.items() if count > 1)
