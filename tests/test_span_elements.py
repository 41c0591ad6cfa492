"""Every kind of span the model knows is carried by an HTML element, and no other kind is."""
from octavo.model import SPAN_KINDS
from octavo.span_elements import SPAN_ELEMENTS


def test_every_span_kind_has_its_element_and_the_table_names_no_other_kind():
    assert set(SPAN_ELEMENTS) == set(SPAN_KINDS)
    assert SPAN_ELEMENTS["emphasis"] == "em" and SPAN_ELEMENTS["keyboard"] == "kbd"
