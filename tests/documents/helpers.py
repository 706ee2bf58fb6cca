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
