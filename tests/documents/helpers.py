"""Reading the PDFs back in tests: text, catalog and structure tree."""

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader


@dataclass
class ReadPdf:
    text: str  # all pages, whitespace collapsed
    catalog: object
    title: str
    reader: PdfReader


def read_pdf(data: bytes) -> ReadPdf:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return ReadPdf(text=text, catalog=reader.trailer["/Root"], title=str(reader.metadata.title or ""), reader=reader)


def assert_accessible(pdf: ReadPdf, title_starts: str) -> None:
    """Tagged (a structure tree, marked content), with a language and a title shown as the window title."""
    catalog = pdf.catalog
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert pdf.title.startswith(title_starts)
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])


def struct_types(pdf: ReadPdf) -> list[str]:
    """The structure tree's element types, in reading order."""
    found: list[str] = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict) and "/S" in node:
            found.append(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    root = pdf.catalog["/StructTreeRoot"].get_object()
    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return found


def heading_levels(pdf: ReadPdf) -> list[int]:
    return [int(t[2]) for t in struct_types(pdf) if len(t) == 3 and t.startswith("/H") and t[2].isdigit()]


def embedded_fonts(pdf: ReadPdf) -> list[tuple[str, bool]]:
    """(font name, whether its font program is embedded) for every font the pages use."""
    fonts = []
    for page in pdf.reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts.append((str(font["/BaseFont"]), any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                   "/FontFile3"))))
    return fonts


def figures_and_their_headings(pdf: ReadPdf) -> list[tuple[int, int, str]]:
    """For each figure after a heading (a chart, the genogram): the page of the heading just before it, the
    figure's own page (both counted from 1) and its alternative text, from the structure tree."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(pdf.reader.pages, start=1)}
    found: list[tuple[int, int, str]] = []
    heading_page = None

    def page_of(node) -> int:
        return pages[node.raw_get("/Pg").idnum]

    def walk(node):
        nonlocal heading_page
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict) or "/S" not in node:
            return
        kind = str(node["/S"])
        if len(kind) == 3 and kind.startswith("/H") and kind[2].isdigit():
            heading_page = page_of(node)
        elif kind == "/Figure" and heading_page is not None:
            found.append((heading_page, page_of(node), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    root = pdf.catalog["/StructTreeRoot"].get_object()
    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return found


def figure_alts(pdf: ReadPdf) -> list[str]:
    """The alternative text of every figure (images and charts), in reading order."""
    return [alt for _, alt in _figures(pdf)]


def _figures(pdf: ReadPdf):
    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict) or "/S" not in node:
            return
        if str(node["/S"]) == "/Figure":
            yield node, str(node.get("/Alt", ""))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            yield from walk(kid)

    root = pdf.catalog["/StructTreeRoot"].get_object()
    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        yield from walk(kid)
