"""What several stages recognise in a source, said once.

The dialect pre-pass, the debris cleaner and resolve each look for some of the same things: the
prefix that puts a line inside a block quotation, and the words that title a contents list. A
word added here is recognised by every stage that asks (the debris cleaner removes a source's own
contents list under such a title; resolve never takes such a heading for the text's title).
Vocabulary that only one stage uses stays in that stage's module.
"""
from __future__ import annotations


from .expressions import lazy

# The ">" markers (up to three spaces before each, one space after) that put a line in a block
# quotation, nested or not: group 1 is the whole prefix ("" outside quotations).
QUOTE_PREFIX = lazy(r"^((?:[ \t]{0,3}>[ \t]?)*)")

# A heading or a paragraph alone that titles a contents list, case folded, without its colon.
CONTENTS_TITLES = frozenset({
    "contents", "table of contents", "toc", "inhalt", "inhaltsverzeichnis", "inhaltsübersicht", "sommaire",
    "table des matières", "table", "содержание", "оглавление", "目录", "目錄", "目次", "índice", "indice",
    "indice generale", "sumário", "innehåll", "inhoud", "inhoudsopgave", "spis treści", "obsah", "tartalom",
    "sisällys", "indholdsfortegnelse", "innhold", "περιεχόμενα", "зміст",
})
