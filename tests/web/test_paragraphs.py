"""The `paragraphs` filter: explanatory text wrapped in its source shown as GOV.UK paragraphs."""

from hearth.web.jinja import paragraphs


def test_blank_lines_separate_paragraphs_and_single_breaks_are_joined():
    text = "One line\n  wrapped here.\n\n\n Second\tparagraph\r\nends.\n   \nThird."
    assert str(paragraphs(text)) == (
        '<p class="govuk-body">One line wrapped here.</p>\n'
        '<p class="govuk-body">Second\tparagraph ends.</p>\n'
        '<p class="govuk-body">Third.</p>'
    )


def test_the_text_is_escaped_and_nothing_is_shown_for_no_text():
    assert str(paragraphs("<b>Hi</b> & bye")) == '<p class="govuk-body">&lt;b&gt;Hi&lt;/b&gt; &amp; bye</p>'
    assert str(paragraphs("")) == "" and str(paragraphs(None)) == ""
    assert str(paragraphs("Small.", classes="govuk-body-s")) == '<p class="govuk-body-s">Small.</p>'
