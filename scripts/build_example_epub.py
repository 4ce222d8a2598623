"""Build examples/<name>.epub from examples/<name>.html the way calibre converts AO3 downloads.

Like calibre's AO3 EPUBs, the work is split into spine documents (tags, front matter, one
file per chapter, afterword), the ids `preface`, `chapters`, `afterword`, `endnotesN`
survive and every class is renamed (`calibre1`, `calibre2`...), so the EPUB reader is
exercised on the same cues it meets in real calibre output. The ZIP is deterministic:
running the script again gives the same bytes.

    .venv/bin/python scripts/build_example_epub.py examples/the_keeper_of_small_lights.html
"""

from __future__ import annotations

import copy
import sys
import uuid
import zipfile
from pathlib import Path

from lxml import etree, html

FIXED_TIME = (2025, 2, 2, 12, 0, 0)
XHTML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">\n'
    "<head><title>{title}</title>"
    '<link rel="stylesheet" type="text/css" href="stylesheet.css"/></head>\n'
    '<body class="calibre">\n{body}\n</body></html>\n'
)
CONTAINER = (
    '<?xml version="1.0"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    '  <rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles>\n</container>\n"
)


class ClassRenamer:
    """Give every distinct class list a calibre-style name, as calibre's conversion does."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, root: etree._Element) -> None:
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            cls = el.get("class")
            if cls:
                el.set("class", self.names.setdefault(cls, f"calibre{len(self.names) + 1}"))


def serialize(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", method="xml")


def wrapper(ident: str, children: list[etree._Element]) -> etree._Element:
    div = etree.Element("div", id=ident)
    for child in children:
        div.append(copy.deepcopy(child))
    return div


def split_work(root: etree._Element) -> list[etree._Element]:
    """Preface tags, preface text, each chapter, afterword: the parts calibre writes."""
    preface = root.get_element_by_id("preface")
    chapters = root.get_element_by_id("chapters")
    afterword = root.get_element_by_id("afterword")
    parts = []
    meta = preface.find(".//dl/..")
    tags_part = copy.deepcopy(preface)
    for el in list(tags_part.find(".//dl/..")):
        if el.tag != "dl":
            tags_part.find(".//dl/..").remove(el)
    parts.append(tags_part)
    front = [el for el in meta if el.tag != "dl"]
    parts.append(wrapper("preface", [wrapper("", front)]))
    groups: list[list[etree._Element]] = []
    for child in chapters:
        if not isinstance(child.tag, str):
            continue
        if child.find(".//h2") is not None or not groups:
            groups.append([])
        groups[-1].append(child)
    parts.extend(wrapper("chapters", group) for group in groups)
    parts.append(copy.deepcopy(afterword))
    for part in parts:
        for el in part.iter():
            if el.get("id") == "":
                del el.attrib["id"]
    return parts


def build(source: Path) -> Path:
    root = html.parse(str(source)).getroot()
    for comment in root.xpath("//comment()"):
        comment.getparent().remove(comment)
    title = " ".join(root.findtext(".//h1").split())
    author = " ".join(root.xpath("string(//a[@rel='author'])").split())
    summary = root.xpath(
        "string(//p[normalize-space()='Summary']/following-sibling::blockquote[1])"
    )
    parts = split_work(root)
    rename = ClassRenamer()
    files = []
    for n, part in enumerate(parts):
        rename(part)
        files.append(
            (f"text/part_{n:03d}.xhtml", XHTML_HEAD.format(title=title, body=serialize(part)))
        )
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"ficlens-example:{source.name}")
    manifest = "\n".join(
        f'    <item id="part{n}" href="{name}" media-type="application/xhtml+xml"/>'
        for n, (name, _) in enumerate(files)
    )
    spine = "\n".join(f'    <itemref idref="part{n}"/>' for n in range(len(files)))
    opf = f"""<?xml version='1.0' encoding='utf-8'?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uuid_id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>{escape(title)}</dc:title>
    <dc:creator opf:role="aut">{escape(author)}</dc:creator>
    <dc:language>en</dc:language>
    <dc:identifier id="uuid_id" opf:scheme="uuid">{uid}</dc:identifier>
    <dc:description>{escape(" ".join(summary.split()))}</dc:description>
    <dc:publisher>Archive of Our Own</dc:publisher>
  </metadata>
  <manifest>
{manifest}
    <item id="css" href="stylesheet.css" media-type="text/css"/>
  </manifest>
  <spine>
{spine}
  </spine>
</package>
"""
    target = source.with_suffix(".epub")
    with zipfile.ZipFile(target, "w") as zf:
        add(zf, "mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        add(zf, "META-INF/container.xml", CONTAINER)
        add(zf, "content.opf", opf)
        add(zf, "stylesheet.css", ".calibre { display: block }\n")
        for name, data in files:
            add(zf, name, data)
    return target


def escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def add(zf: zipfile.ZipFile, name: str, data: str, method: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = method
    zf.writestr(info, data.encode("utf-8"))


if __name__ == "__main__":
    for arg in sys.argv[1:] or sorted(str(p) for p in Path("examples").glob("*.html")):
        print(build(Path(arg)))
