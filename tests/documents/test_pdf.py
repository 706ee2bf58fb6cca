import pytest

from hearth.web.pdf import local_only_fetcher, render_html


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
    assert "No significant events have been recorded." in html
    assert "http" not in html.lower()
