"""Accessible PDFs from Jinja templates, with WeasyPrint.

Every PDF is tagged (PDF/UA-1: a structure tree with headings, paragraphs, lists and tables with header
cells), carries its title and language, embeds its fonts (DejaVu Sans, installed on Debian) and is A4 with
"Page X of Y" in the footer. Nothing is fetched over the network: the only URLs a document may use are
data: URLs; anything else is refused.

The masthead names the council, with its logo when its profile names one (`core.profiles.logo`, as a data: URL
with the council's name as its alternative text), and who the copy was prepared for when the context says
(`prepared_for`).
"""

import base64
import functools
import logging
import re

from django.template.loader import render_to_string

from hearth.core import profiles

# PDF/UA-1 turns on tagging (pdf_tags) and writes the PDF/UA identification into the XMP metadata.
PDF_VARIANT = "pdf/ua-1"
ALLOWED_URL_SCHEMES = frozenset({"data"})

# WeasyPrint reports each rendering step, and fontTools each font it subsets, at INFO: keep the log for
# warnings and errors.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@functools.cache
def _weasyprint():
    """WeasyPrint and the fetcher, imported on first use: importing WeasyPrint takes well over a second, which
    every `hearth` command, worker and web server would otherwise pay at start-up whether it renders or not."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class Fetcher(URLFetcher):
        """Refuses every URL except data: URLs, so rendering never reaches the network or the file system."""

        def __init__(self):
            super().__init__(timeout=1, allowed_protocols=ALLOWED_URL_SCHEMES, allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme not in ALLOWED_URL_SCHEMES:
                raise ValueError("Documents may not load anything from outside themselves")
            return super().fetch(url, headers)

    return HTML, Fetcher


def local_only_fetcher():
    """A WeasyPrint URL fetcher that loads data: URLs and refuses everything else."""
    return _weasyprint()[1]()


def logo_src(council) -> str:
    """The council's logo as a data: URL for the masthead, or "" when its profile names none."""
    found = profiles.logo(council) if hasattr(council, "contacts") else None
    if not found:
        return ""
    content, media_type = found
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_html(template_name: str, context: dict, *, title: str, lang: str = "en-GB") -> str:
    """The document's HTML, rendered by Django's Jinja2 engine (the base template reads these names)."""
    return render_to_string(template_name, {**context, "document_title": title, "document_lang": lang,
                                            "council_logo": logo_src(context.get("council"))})


# A word this long (a pasted link, a run of letters typed by mistake) gets a break opportunity every WORD_PIECE
# characters, so that it wraps instead of widening its table past the page. (CSS `overflow-wrap: anywhere` does the
# same in WeasyPrint, but makes laying out a long table ten times slower.)
LONG_WORD, WORD_PIECE = 40, 20
_TEXT = re.compile(r">([^<]+)<")
_LONG = re.compile(rf"[^\s<>]{{{LONG_WORD},}}")
_CHARACTER = re.compile(r"&[#\w]+;|.", re.S)  # an entity counts as one character, never split
# A chart drawn inline (SVG) lays out its own text, and its <title> is the figure's alternative text: left alone.
_SVG = re.compile(r"(<svg\b.*?</svg>)", re.S | re.I)


def breakable(html: str) -> str:
    """The document with <wbr> in long words of its body's text (never in its head, tags, attributes or inline
    SVG)."""
    head, body_tag, body = html.partition("<body")
    if not body_tag:
        return html

    def pieces(word):
        characters = _CHARACTER.findall(word.group(0))
        return "<wbr>".join("".join(characters[i:i + WORD_PIECE]) for i in range(0, len(characters), WORD_PIECE))

    def text_of(part, lead, tail):
        # A part between charts starts just after one's closing tag and ends just before the next one opens.
        done = _TEXT.sub(lambda text: ">" + _LONG.sub(pieces, text.group(1)) + "<", lead + part + tail)
        return done[len(lead):len(done) - len(tail)]

    parts = _SVG.split(body)
    return head + body_tag + "".join(
        part if n % 2 else text_of(part, ">" if n else "", "<" if n < len(parts) - 1 else "")
        for n, part in enumerate(parts))


def render_pdf(template_name: str, context: dict, *, title: str, lang: str = "en-GB") -> bytes:
    """Render a template to a tagged PDF with `title` and `lang` in its metadata."""
    html = breakable(render_html(template_name, context, title=title, lang=lang))
    html_document, fetcher = _weasyprint()
    document = html_document(string=html, url_fetcher=fetcher(), base_url=None).render(pdf_variant=PDF_VARIANT)
    # The template sets <title> and <html lang>; the metadata is set here as well so that a template
    # cannot produce a PDF without them.
    document.metadata.title = title
    document.metadata.lang = lang
    return document.write_pdf(pdf_variant=PDF_VARIANT)
