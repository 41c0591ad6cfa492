"""The language of a text without a ``language`` field (languages.guess_language): the dominant
script decides, else the commonest words; the answer and what it was based on."""
from octavo.languages import guess_language

ENGLISH = "The history of all hitherto existing society is the history of class struggles. " * 4


def test_a_text_in_another_script_is_named_with_its_letter_count():
    assert guess_language("Призрак бродит") == ("ru", "Cyrillic (Russian) (13 of 13 letters)")
    assert guess_language("Εν αρχή ην") == ("el", "Greek (8 of 8 letters)")
    assert guess_language("שלום עולם") == ("he", "Hebrew (8 of 8 letters)")


def test_kana_among_ideographs_make_japanese_and_ideographs_alone_chinese():
    assert guess_language("我从乡下跑到京城里") == ("zh", "Chinese (9 of 9 letters)")
    assert guess_language("吾輩は猫である") == ("ja", "Japanese (4 of 7 letters)")


def test_a_latin_text_with_a_few_foreign_letters_or_none_is_decided_by_its_words():
    assert guess_language(ENGLISH) == ("en", "English")
    assert guess_language(ENGLISH + " λόγος, Москва") == ("en", "English")
    german = "Die Geschichte aller bisherigen Gesellschaft ist die Geschichte von Klassenkämpfen, und das ist nicht " * 4
    assert guess_language(german) == ("de", "German (28 common German words against 0 English ones)")
    assert guess_language("") == ("en", "English")
