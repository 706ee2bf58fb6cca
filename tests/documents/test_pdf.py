import pytest

from hearth.web.pdf import breakable, local_only_fetcher, render_html


@pytest.mark.parametrize("url", ["http://example.test/logo.png", "https://example.test/style.css",
                                 "file:///etc/passwd", "ftp://example.test/file", "//example.test/x.png"])
def test_the_url_fetcher_refuses_everything_outside_the_document(url):
    with pytest.raises(ValueError):
        local_only_fetcher().fetch(url)


def test_the_url_fetcher_still_reads_data_urls():
    response = local_only_fetcher().fetch("data:text/plain,hello")
    assert response.read() == b"hello"


@pytest.mark.django_db
def test_the_base_template_sets_the_language_the_title_a4_and_page_x_of_y(council):
    html = render_html("documents/chronology.html", {"family": {"name": "The Testfamily family"}, "council": council,
                                                     "entries": []},
                       title="Chronology: The Testfamily family", lang="en-GB")
    assert '<html lang="en-GB">' in html
    assert "<title>Chronology: The Testfamily family</title>" in html
    assert "size: A4" in html
    assert '"Page " counter(page) " of " counter(pages)' in html
    assert "Nothing recorded yet." in html
    assert "http" not in html.lower()


def test_long_words_get_break_opportunities_in_the_body_text_only():
    word = "Unbroken" * 10  # 80 letters
    html = (f'<html><head><title>{word}</title></head><body class="{word}"><p>A {word} &amp; '
            f'{"&amp;" * 45}</p><a href="/x/{word}">{word}</a></body></html>')
    done = breakable(html)
    assert f"<title>{word}</title>" in done and f'class="{word}"' in done and f'href="/x/{word}"' in done
    assert f">A {'<wbr>'.join([word[:20], word[20:40], word[40:60], word[60:]])} &amp; " in done
    assert "&amp;" * 20 + "<wbr>" + "&amp;" * 20 + "<wbr>" + "&amp;" * 5 in done  # entities are never split
    assert done.replace("<wbr>", "") == html


def test_long_words_in_an_inline_chart_are_left_to_the_chart():
    word = "Unbroken" * 10
    chart = f'<svg viewBox="0 0 10 10"><title>{word}</title><text>{word}</text></svg>'
    html = f"<html><body><p>{word}</p><div>{word} {chart} {word}</div>{chart}<p>{word}</p></body></html>"
    done = breakable(html)
    assert done.count(chart) == 2  # the chart's title (its alternative text) and labels are untouched
    assert done.count("<wbr>") == 4 * 3  # the four words outside the charts are broken, each in four pieces
    assert done.replace("<wbr>", "") == html


def test_a_table_with_a_very_long_word_stays_within_the_page():
    from weasyprint import HTML

    rows = "".join(f"<tr><td>{n}</td><td>A short note</td></tr>" for n in range(10))
    html = (f"<html><head><style>@page {{ size: A4 }} table {{ width: 100% }}</style></head><body><table>{rows}"
            f"<tr><td>11</td><td>{'Unbroken' * 250}</td></tr></table></body></html>")

    def right_edge(box):
        own = box.position_x + box.width if getattr(box, "width", None) else 0
        return max([own, *(right_edge(child) for child in getattr(box, "children", None) or [])])

    for document, fits in ((html, False), (breakable(html), True)):
        pages = HTML(string=document).render().pages
        assert (max(right_edge(page._page_box) for page in pages) <= pages[0].width) == fits
