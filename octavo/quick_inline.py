"""Python-Markdown's inline pass, without trying patterns on text that cannot match them.

Python-Markdown's ``InlineProcessor`` runs every inline pattern's regular expression over every
text node of the tree, one Python call per pattern per node (18 for the main pass, 18 more for
smarty's): three quarters of parsing a long text went there, almost all of it finding nothing. A
pattern cannot match text that lacks a string every match of its expression contains (a code span
needs a backtick, a link a ``[``, an entity a ``&``, smarty's en dash ``--``), so this
``InlineProcessor`` skips such a pattern on such text, exactly where the stock loop would have
found no match and gone on to the next pattern; and it starts a pattern's search just before the
next place of its trigger instead of at every character (Python's ``re`` cannot skip ahead for an
expression that opens with a lookbehind or an alternation, as most of smarty's do), which finds the
same first match: every match holds a trigger, and starts at most ``LEADS[name]`` characters
before it. Lookbehinds still see the text before the search's start (``re`` searches from ``pos``
in the whole string). Nothing else changes: the same patterns, in the same order, on the same text,
with the same state, so the tree is the same.

``TRIGGERS`` lists, by each pattern's registered name, the expression it was read from and the
string every match contains. A pattern whose expression is not the one listed (another
Python-Markdown, another extension registering the name) or whose name is not listed is tried on
every text, as before. tests/test_quick_inline.py compares this pass with the stock one.
"""
from __future__ import annotations

from bisect import bisect_left

import xml.etree.ElementTree as etree

from markdown import util
from markdown.treeprocessors import InlineProcessor

# name -> (the pattern's expression, a string every match of it contains)
TRIGGERS: dict[str, tuple[str, str]] = {
    "backtick": (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", "`"),  # both branches need a backtick (one ahead)
    "escape": (r"\\(.)", "\\"),
    "reference": (r"(?<!\!)\[", "["),
    "link": (r"(?<!\!)\[", "["),
    "short_reference": (r"(?<!\!)\[", "["),
    "image_link": (r"\!\[", "!["),
    "image_reference": (r"\!\[", "!["),
    "short_image_ref": (r"\!\[", "!["),
    "autolink": (r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", "<"),
    "automail": (r"<([^<> !]+@[^@<> ]+)>", "<"),
    "linebreak": (r"  \n", "  \n"),
    "html": (r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
             r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""", "<"),
    "entity": (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", "&"),
    "em_strong": (r"\*|_", ""),  # either of two characters: see _EITHER
    # smarty's own pass
    "smarty-em-dashes": (r"(?<!-)---(?!-)", "---"),
    "smarty-en-dashes": (r"(?<!-)--(?!-)", "--"),
    "smarty-ellipses": (r"(?<!\.)\.{3}(?!\.)", "..."),
    "smarty-quotes-0": (r"""^'(?=[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]\B)""", "'"),
    "smarty-quotes-1": (r"""^"(?=[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]\B)""", '"'),
    "smarty-quotes-2": (r""""'(?=\w)""", "\"'"),
    "smarty-quotes-3": (r"""'"(?=\w)""", "'\""),
    "smarty-quotes-4": (r'(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])\'"', "'\""),
    "smarty-quotes-5": (r"""(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])\"'""", "\"'"),
    "smarty-quotes-6": (r"""(?<!\w)'(?=\d{2}s)""", "'"),
    "smarty-quotes-7": (r"""(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)'(?=\w)""", "'"),
    "smarty-quotes-8": (r"""(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])'(?!\s|s\b|\d)""", "'"),
    "smarty-quotes-9": (r"""'(\s|s\b)""", "'"),
    "smarty-quotes-10": (r"""'""", "'"),
    "smarty-quotes-11": (r"""(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"(?=\w)""", '"'),
    "smarty-quotes-12": (r""""(?=\s)""", '"'),
    "smarty-quotes-13": (r'(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])"', '"'),
    "smarty-quotes-14": (r'''"''', '"'),
}
_EITHER = {"em_strong": ("*", "_")}  # a pattern that needs one of several characters
# How far before its trigger a match can start (what the expression consumes before it): the search
# for a pattern starts that far before the trigger's first place. Unlisted: no jump (the code span's
# first branch takes any run of backslashes before a backtick it only looks ahead to).
LEADS = {name: 0 for name in TRIGGERS if name != "backtick"}
LEADS["smarty-quotes-7"] = LEADS["smarty-quotes-11"] = len("&#8212;")  # (\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)


def _own(pattern) -> tuple[str, ...] | None:
    """The trigger an Octavo pattern declares (``quick_trigger``: a string every match contains)."""
    trigger = getattr(pattern, "quick_trigger", None)
    return (trigger,) if trigger else None


class QuickInlineProcessor(InlineProcessor):
    """``InlineProcessor`` that tries a pattern only on text holding its trigger (module docstring)."""

    def run(self, tree, ancestors=None):
        registry = self.inlinePatterns
        self._patterns = list(registry)  # sorted once per run (the registry sorts on every index)
        known: dict[int, tuple[str, ...]] = {}
        leads: dict[int, int | None] = {}
        for name, (expression, trigger) in TRIGGERS.items():
            if name in registry:
                pattern = registry[name]
                if getattr(pattern, "pattern", None) == expression and not getattr(pattern, "ANCESTOR_EXCLUDES", ()):
                    known[id(pattern)] = _EITHER.get(name, (trigger,))
                    leads[id(pattern)] = LEADS.get(name)
        needs = [known.get(id(p)) or _own(p) for p in self._patterns]
        self._jumps = []  # per pattern: (its triggers, how far before one a match can start), or None
        for n, p in zip(needs, self._patterns):
            lead = leads.get(id(p)) if id(p) in known else (0 if _own(p) else None)
            self._jumps.append((n, lead) if n and lead is not None else None)
        self._triggers = sorted({t for n in needs if n for t in n})
        self._needs = [None if n is None else sum(1 << self._triggers.index(t) for t in n) for n in needs]
        self._plans: dict[int, list[int]] = {}
        try:
            return self._run(tree, ancestors)
        finally:
            del self._patterns, self._triggers, self._needs, self._plans, self._jumps

    def _run(self, tree, ancestors=None):
        """Python-Markdown 3.11's ``InlineProcessor.run``, but for where a tail's new elements go:
        the stock loop looked the child up among its siblings (``list(parent).index``) for every
        tail, even one that gave no element, as every block's ``"\\n"`` does once prettify has
        run (before smarty): quadratic in a chapter's blocks. Here it looks only when there is
        something to insert."""
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        handle, place = self._InlineProcessor__handleInline, self._InlineProcessor__processPlaceholders
        while stack:
            currElement, parents = stack.pop(0)  # noqa: N806 (the stock names)
            self.ancestors = parents
            if currElement is not tree:
                self.ancestors.append(currElement.tag.lower())
            insertQueue = []  # noqa: N806
            for child in currElement:
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    lst = place(handle(text), child)
                    for item in lst:
                        self.parent_map[item[0]] = child
                    stack += lst
                    insertQueue.append((child, lst))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dumby = etree.Element("d")
                    child.tail = None
                    tailResult = place(tail, dumby, False)  # noqa: N806
                    if dumby.tail:
                        child.tail = dumby.tail
                    if tailResult:
                        pos = list(currElement).index(child) + 1
                        tailResult.reverse()
                        for newChild in tailResult:  # noqa: N806
                            self.parent_map[newChild[0]] = currElement
                            currElement.insert(pos, newChild[0])
                if len(child):
                    self.parent_map[child] = currElement
                    stack.append((child, self.ancestors[:]))
            for element, lst in insertQueue:
                for i, obj in enumerate(lst):
                    element.insert(i, obj[0])
        self.parent_map = {}
        self.stashed_nodes = {}
        return tree

    def _plan(self, present: int) -> list[int]:
        """The indices of the patterns to try on a text holding the triggers in the bit set ``present``."""
        plan = self._plans.get(present)
        if plan is None:
            plan = self._plans[present] = [i for i, n in enumerate(self._needs) if n is None or n & present]
        return plan

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The stock loop (``InlineProcessor.__handleInline``) over the patterns whose trigger the text
        holds. Where it skips one, the stock ``__applyPattern`` would have found no match and returned
        ``False, 0`` (go on to the next pattern, from the text's start). A match only puts a
        placeholder (``STX...ETX``, no trigger in it) in place of text, so a trigger missing from
        the text at the start is missing after every match too."""
        if not isinstance(data, util.AtomicString):
            present, bit = 0, 1
            for trigger in self._triggers:
                if trigger in data:
                    present |= bit
                bit <<= 1
            plan = self._plan(present)
            apply, patterns, jumps = self._InlineProcessor__applyPattern, self._patterns, self._jumps
            k, count = bisect_left(plan, patternIndex), len(plan)
            startIndex = 0  # noqa: N806
            while k < count:
                index = plan[k]
                begin, jump = startIndex, jumps[index]
                if jump is not None:  # search from just before the trigger's next place (``LEADS``)
                    triggers, lead = jump
                    if len(triggers) == 1:
                        at = data.find(triggers[0], startIndex)
                    else:
                        at = min((a for a in (data.find(t, startIndex) for t in triggers) if a >= 0), default=-1)
                    if at < 0:  # no match after startIndex: what the stock search finds too
                        k += 1
                        startIndex = 0  # noqa: N806
                        continue
                    begin = max(startIndex, at - lead)
                data, matched, startIndex = apply(patterns[index], data, index, begin)  # noqa: N806
                if not matched:
                    k += 1
        return data


def install(md) -> None:
    """Put the quick pass in place of Python-Markdown's inline pass and smarty's (same registry names,
    priorities and patterns). Call it after every extension is loaded."""
    for name in ("inline", "smarty"):
        if name not in md.treeprocessors:
            continue
        stock = md.treeprocessors[name]
        if type(stock) is not InlineProcessor:  # somebody else's: leave it
            continue
        quick = QuickInlineProcessor(md)
        quick.inlinePatterns = stock.inlinePatterns
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == name)
        md.treeprocessors.register(quick, name, priority)
