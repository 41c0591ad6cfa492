"""Every word Octavo adds to a book, in the languages it speaks: the one message catalogue.

Titles of the pages Octavo makes (contents, notes, credits, cover), labels of links and landmarks,
the lines of the title page and the credits, and the accessibility summary of the package. A book
speaks its own language; in a volume, each text's own pages speak the text's language. Messages
with ``{name}`` placeholders are sentences whose word order is the language's; the renderer fills
them. A language not in the catalogue gets English; a regional or script variant (``de-CH``,
``zh-Hans``) gets its base language's words unless it has its own entry.

Pure data and small lookups: this module imports nothing but the standard library, so any stage
may read it.
"""
from __future__ import annotations

ENGLISH = "en"

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        # single words (titles, labels, the table of contents)
        "contents": "Contents", "notes": "Notes", "cover": "Cover", "landmarks": "Landmarks",
        "page_list": "Pages",  # the EPUB's list of the print edition's pages
        "credits": "Sources and credits",
        "source": "Source", "subjects": "Subjects", "section": "Section", "by": "by",
        "translated": "Translated by", "edited": "Edited by", "back": "Back to the text",
        # sentences and lines with placeholders
        "section_n": "Section {n}",
        "page_of": "Page {n} of {total}",  # a handout's footer
        "back_n": "Back to reference {n}",
        "translated_line": "Translated by {names}",
        "edited_line": "Edited by {names}",
        "source_line": "Source: {url}",
        "subjects_line": "Subjects: {tags}",
        "listing_line": "Archive listing: {title}",
        "part_of_line": "From {work}",
        "made_with": "This edition was made with Octavo.",
        "published_by": "Published by {publisher}.",
        "cover_alt": "Cover: {text}",
        "list_separator": ", ",
        # the accessibility summary (EPUB package metadata), sentence by sentence
        "summary_structure": "A text with a table of contents, a heading for every section and a logical "
                             "reading order.",
        "summary_notes": "Notes are linked to and from the text.",
        "summary_no_images": "It has no images.",
        "summary_images_described": "Every image has a text description.",
        "summary_images_undescribed": "Some images have no text description.",
        "summary_page_list": "The page numbers of the printed edition ({edition}) are marked in the text and "
                             "listed in a page list.",
        "note_at_end": "See note {n} at the end.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Note", "box_tip": "Tip", "box_important": "Important", "box_warning": "Warning",
        "box_caution": "Caution", "box_callout": "Note", "box_exercise": "Exercise",
        "box_exercise_n": "Exercise {n}", "box_solution": "Solution", "box_solution_n": "Solution {n}",
        "box_hint": "Hint", "box_objectives": "Objectives", "box_questions": "Questions",
        "box_keypoints": "Key points", "box_prerequisites": "Prerequisites", "box_checklist": "Checklist",
        "box_discussion": "Discussion", "solutions": "Solutions", "solution_at_end": "Solution {n} is at the end.",
        "back_to_exercise": "Back to exercise {n}",
    },
    "de": {
        "contents": "Inhalt", "notes": "Anmerkungen", "cover": "Umschlag", "landmarks": "Orientierungspunkte",
        "page_list": "Seiten",
        "credits": "Quellen und Nachweise",
        "source": "Quelle", "subjects": "Schlagwörter", "section": "Abschnitt", "by": "von",
        "translated": "Übersetzt von", "edited": "Herausgegeben von", "back": "Zurück zum Text",
        "section_n": "Abschnitt {n}",
        "page_of": "Seite {n} von {total}",  # a handout's footer
        "back_n": "Zurück zur Verweisstelle {n}",
        "translated_line": "Übersetzt von {names}",
        "edited_line": "Herausgegeben von {names}",
        "source_line": "Quelle: {url}",
        "subjects_line": "Schlagwörter: {tags}",
        "listing_line": "Eintrag im Archiv: {title}",
        "part_of_line": "Aus: {work}",
        "made_with": "Diese Ausgabe wurde mit Octavo erstellt.",
        "published_by": "Verlag: {publisher}.",
        "cover_alt": "Umschlag: {text}",
        "list_separator": ", ",
        "summary_structure": "Ein Text mit Inhaltsverzeichnis, einer Überschrift für jeden Abschnitt und einer "
                             "logischen Lesereihenfolge.",
        "summary_notes": "Die Anmerkungen sind in beide Richtungen mit dem Text verlinkt.",
        "summary_no_images": "Er enthält keine Bilder.",
        "summary_images_described": "Jedes Bild hat eine Textbeschreibung.",
        "summary_images_undescribed": "Einige Bilder haben keine Textbeschreibung.",
        "summary_page_list": "Die Seitenzahlen der Druckausgabe ({edition}) sind im Text markiert und in einer "
                             "Seitenliste verzeichnet.",
        "note_at_end": "Siehe Anmerkung {n} am Ende.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Hinweis", "box_tip": "Tipp", "box_important": "Wichtig", "box_warning": "Warnung",
        "box_caution": "Vorsicht", "box_callout": "Hinweis", "box_exercise": "Übung", "box_exercise_n": "Übung {n}",
        "box_solution": "Lösung", "box_solution_n": "Lösung {n}", "box_hint": "Tipp", "box_objectives": "Lernziele",
        "box_questions": "Fragen", "box_keypoints": "Kernpunkte", "box_prerequisites": "Voraussetzungen",
        "box_checklist": "Checkliste", "box_discussion": "Diskussion", "solutions": "Lösungen",
        "solution_at_end": "Lösung {n} steht am Ende.", "back_to_exercise": "Zurück zu Übung {n}",
    },
    "fr": {
        "contents": "Table des matières", "notes": "Notes", "cover": "Couverture", "landmarks": "Repères",
        "page_list": "Pages",
        "credits": "Sources et crédits",
        "source": "Source", "subjects": "Sujets", "section": "Section", "by": "par",
        "translated": "Traduit par", "edited": "Édité par", "back": "Retour au texte",
        "section_n": "Section {n}",
        "page_of": "Page {n} sur {total}",  # a handout's footer
        "back_n": "Retour à l’appel de note {n}",
        "translated_line": "Traduit par {names}",
        "edited_line": "Édité par {names}",
        "source_line": "Source\u00a0: {url}",
        "subjects_line": "Sujets\u00a0: {tags}",
        "listing_line": "Notice de l’archive\u00a0: {title}",
        "part_of_line": "Extrait de\u00a0: {work}",
        "made_with": "Cette édition a été réalisée avec Octavo.",
        "published_by": "Publié par {publisher}.",
        "cover_alt": "Couverture\u00a0: {text}",
        "list_separator": ", ",
        "summary_structure": "Un texte avec une table des matières, un titre pour chaque section et un ordre de "
                             "lecture logique.",
        "summary_notes": "Les notes sont liées au texte dans les deux sens.",
        "summary_no_images": "Il ne contient pas d’images.",
        "summary_images_described": "Chaque image a une description textuelle.",
        "summary_images_undescribed": "Certaines images n’ont pas de description textuelle.",
        "summary_page_list": "Les numéros de page de l’édition imprimée ({edition}) sont marqués dans le texte "
                             "et réunis dans une liste des pages.",
        "note_at_end": "Voir la note {n} à la fin.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Remarque", "box_tip": "Astuce", "box_important": "Important", "box_warning": "Avertissement",
        "box_caution": "Attention", "box_callout": "Remarque", "box_exercise": "Exercice",
        "box_exercise_n": "Exercice {n}", "box_solution": "Solution", "box_solution_n": "Solution {n}",
        "box_hint": "Indice", "box_objectives": "Objectifs", "box_questions": "Questions",
        "box_keypoints": "Points clés", "box_prerequisites": "Prérequis", "box_checklist": "Liste de contrôle",
        "box_discussion": "À débattre", "solutions": "Corrigés", "solution_at_end": "La solution {n} est à la fin.",
        "back_to_exercise": "Retour à l’exercice {n}",
    },
    "es": {
        "contents": "Índice", "notes": "Notas", "cover": "Cubierta", "landmarks": "Puntos de referencia",
        "page_list": "Páginas",
        "credits": "Fuentes y créditos",
        "source": "Fuente", "subjects": "Temas", "section": "Sección", "by": "por",
        "translated": "Traducción de", "edited": "Edición de", "back": "Volver al texto",
        "section_n": "Sección {n}",
        "page_of": "Página {n} de {total}",  # a handout's footer
        "back_n": "Volver a la llamada {n}",
        "translated_line": "Traducción de {names}",
        "edited_line": "Edición de {names}",
        "source_line": "Fuente: {url}",
        "subjects_line": "Temas: {tags}",
        "listing_line": "Ficha del archivo: {title}",
        "part_of_line": "Tomado de: {work}",
        "made_with": "Esta edición se hizo con Octavo.",
        "published_by": "Publicado por {publisher}.",
        "cover_alt": "Cubierta: {text}",
        "list_separator": ", ",
        "summary_structure": "Un texto con índice, un encabezado para cada sección y un orden de lectura lógico.",
        "summary_notes": "Las notas están enlazadas con el texto en ambos sentidos.",
        "summary_no_images": "No contiene imágenes.",
        "summary_images_described": "Cada imagen tiene una descripción textual.",
        "summary_images_undescribed": "Algunas imágenes no tienen descripción textual.",
        "summary_page_list": "Los números de página de la edición impresa ({edition}) están marcados en el "
                             "texto y recogidos en una lista de páginas.",
        "note_at_end": "Véase la nota {n} al final.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Nota", "box_tip": "Consejo", "box_important": "Importante", "box_warning": "Advertencia",
        "box_caution": "Precaución", "box_callout": "Nota", "box_exercise": "Ejercicio",
        "box_exercise_n": "Ejercicio {n}", "box_solution": "Solución", "box_solution_n": "Solución {n}",
        "box_hint": "Pista", "box_objectives": "Objetivos", "box_questions": "Preguntas",
        "box_keypoints": "Puntos clave", "box_prerequisites": "Requisitos previos",
        "box_checklist": "Lista de comprobación", "box_discussion": "Debate", "solutions": "Soluciones",
        "solution_at_end": "La solución {n} está al final.", "back_to_exercise": "Volver al ejercicio {n}",
    },
    "it": {
        "contents": "Indice", "notes": "Note", "cover": "Copertina", "landmarks": "Punti di riferimento",
        "page_list": "Pagine",
        "credits": "Fonti e crediti",
        "source": "Fonte", "subjects": "Argomenti", "section": "Sezione", "by": "di",
        "translated": "Traduzione di", "edited": "A cura di", "back": "Torna al testo",
        "section_n": "Sezione {n}",
        "page_of": "Pagina {n} di {total}",  # a handout's footer
        "back_n": "Torna al richiamo {n}",
        "translated_line": "Traduzione di {names}",
        "edited_line": "A cura di {names}",
        "source_line": "Fonte: {url}",
        "subjects_line": "Argomenti: {tags}",
        "listing_line": "Scheda d’archivio: {title}",
        "part_of_line": "Tratto da: {work}",
        "made_with": "Questa edizione è stata realizzata con Octavo.",
        "published_by": "Pubblicato da {publisher}.",
        "cover_alt": "Copertina: {text}",
        "list_separator": ", ",
        "summary_structure": "Un testo con indice, un titolo per ogni sezione e un ordine di lettura logico.",
        "summary_notes": "Le note sono collegate al testo in entrambe le direzioni.",
        "summary_no_images": "Non contiene immagini.",
        "summary_images_described": "Ogni immagine ha una descrizione testuale.",
        "summary_images_undescribed": "Alcune immagini non hanno una descrizione testuale.",
        "summary_page_list": "I numeri di pagina dell’edizione a stampa ({edition}) sono segnati nel testo e "
                             "raccolti in un elenco delle pagine.",
        "note_at_end": "Vedi la nota {n} alla fine.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Nota", "box_tip": "Suggerimento", "box_important": "Importante", "box_warning": "Avvertenza",
        "box_caution": "Attenzione", "box_callout": "Nota", "box_exercise": "Esercizio",
        "box_exercise_n": "Esercizio {n}", "box_solution": "Soluzione", "box_solution_n": "Soluzione {n}",
        "box_hint": "Indizio", "box_objectives": "Obiettivi", "box_questions": "Domande",
        "box_keypoints": "Punti chiave", "box_prerequisites": "Prerequisiti", "box_checklist": "Lista di controllo",
        "box_discussion": "Discussione", "solutions": "Soluzioni",
        "solution_at_end": "La soluzione {n} è alla fine.", "back_to_exercise": "Torna all’esercizio {n}",
    },
    "ru": {
        "contents": "Содержание", "notes": "Примечания", "cover": "Обложка", "landmarks": "Ориентиры",
        "page_list": "Страницы",
        "credits": "Источники и выходные данные",
        "source": "Источник", "subjects": "Темы", "section": "Раздел", "by": "",
        "translated": "Перевод:", "edited": "Редактор:", "back": "Назад к тексту",
        "section_n": "Раздел {n}",
        "page_of": "Стр. {n} из {total}",  # a handout's footer
        "back_n": "Назад к ссылке {n}",
        "translated_line": "Перевод: {names}",
        "edited_line": "Редактор: {names}",
        "source_line": "Источник: {url}",
        "subjects_line": "Темы: {tags}",
        "listing_line": "Запись в архиве: {title}",
        "part_of_line": "Из: {work}",
        "made_with": "Это издание подготовлено в Octavo.",
        "published_by": "Издатель: {publisher}.",
        "cover_alt": "Обложка: {text}",
        "list_separator": ", ",
        "summary_structure": "Текст с оглавлением, заголовком у каждого раздела и логическим порядком чтения.",
        "summary_notes": "Примечания связаны с текстом ссылками в обе стороны.",
        "summary_no_images": "Изображений нет.",
        "summary_images_described": "У каждого изображения есть текстовое описание.",
        "summary_images_undescribed": "У некоторых изображений нет текстового описания.",
        "summary_page_list": "Номера страниц печатного издания ({edition}) отмечены в тексте и собраны в "
                             "списке страниц.",
        "note_at_end": "См. примечание {n} в конце.",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "Примечание", "box_tip": "Совет", "box_important": "Важно", "box_warning": "Предупреждение",
        "box_caution": "Осторожно", "box_callout": "Примечание", "box_exercise": "Упражнение",
        "box_exercise_n": "Упражнение {n}", "box_solution": "Решение", "box_solution_n": "Решение {n}",
        "box_hint": "Подсказка", "box_objectives": "Цели", "box_questions": "Вопросы", "box_keypoints": "Главное",
        "box_prerequisites": "Что нужно знать", "box_checklist": "Контрольный список",
        "box_discussion": "Обсуждение", "solutions": "Решения", "solution_at_end": "Решение {n} — в конце.",
        "back_to_exercise": "Назад к упражнению {n}",
    },
    "zh": {
        "contents": "目录", "notes": "注释", "cover": "封面", "landmarks": "导航地标",
        "page_list": "页码",
        "credits": "来源与说明",
        "source": "来源", "subjects": "主题", "section": "第", "by": "",
        "translated": "翻译：", "edited": "编辑：", "back": "返回正文",
        "section_n": "第{n}节",
        "page_of": "第 {n} 页，共 {total} 页",  # a handout's footer
        "back_n": "返回第{n}处引用",
        "translated_line": "{names} 译",
        "edited_line": "{names} 编",
        "source_line": "来源：{url}",
        "subjects_line": "主题：{tags}",
        "listing_line": "档案条目：{title}",
        "part_of_line": "出自：{work}",
        "made_with": "本版本由 Octavo 制作。",
        "published_by": "出版者：{publisher}。",
        "cover_alt": "封面：{text}",
        "list_separator": "、",
        "summary_structure": "本书有目录，每一节都有标题，阅读顺序合乎逻辑。",
        "summary_notes": "注释与正文双向链接。",
        "summary_no_images": "书中没有图像。",
        "summary_images_described": "每幅图像都有文字说明。",
        "summary_images_undescribed": "部分图像没有文字说明。",
        "summary_page_list": "印刷版（{edition}）的页码已在正文中标出，并列入页码列表。",
        "note_at_end": "见文末注释 {n}。",  # print: a note too long for the foot of the page
        # lessons: the labels of boxes, and the closing section of solutions
        "box_note": "注意", "box_tip": "提示", "box_important": "重要", "box_warning": "警告", "box_caution": "小心",
        "box_callout": "注意", "box_exercise": "练习", "box_exercise_n": "练习 {n}", "box_solution": "答案",
        "box_solution_n": "答案 {n}", "box_hint": "线索", "box_objectives": "学习目标", "box_questions": "问题",
        "box_keypoints": "要点", "box_prerequisites": "预备知识", "box_checklist": "检查清单", "box_discussion": "讨论",
        "solutions": "答案汇总", "solution_at_end": "答案 {n} 在文末。", "back_to_exercise": "返回练习 {n}",
    },
}

# Languages written right to left, by language subtag, and scripts written right to left, by
# script subtag (a tag like ``az-Arab`` names its script).
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ku-arab", "mzn", "nqo", "ps", "sd",
                 "syr", "ug", "ur", "yi"}
RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "mand", "samr", "rohg"}


def words(language: str) -> dict[str, str]:
    """Every message in ``language``: its own entry (the longest matching prefix of the tag), with
    English for anything that entry lacks."""
    found = dict(CATALOGUE[ENGLISH])
    found.update(CATALOGUE.get(catalogue_language(language), {}))
    return found


def catalogue_language(language: str) -> str:
    """The catalogue entry a language tag reads from: ``de-CH`` -> ``de``; English when none fits."""
    subtags = (language or ENGLISH).replace("_", "-").lower().split("-")
    for n in range(len(subtags), 0, -1):
        key = "-".join(subtags[:n])
        if key in CATALOGUE:
            return key
    return ENGLISH


def direction(language: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew, Persian, Urdu, ...), else ``ltr``."""
    subtags = (language or ENGLISH).replace("_", "-").lower().split("-")
    if any(len(s) == 4 and s.isalpha() for s in subtags[1:]):  # an explicit script decides
        return "rtl" if any(s in RTL_SCRIPTS for s in subtags[1:] if len(s) == 4) else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"
