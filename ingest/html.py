"""Visible text of an HTML page, one block a paragraph, without the site's menus, banners and sidebars.

A table row becomes one paragraph with its cells joined by a space, so a grade table reads as
the PDF's does ('Overall effectiveness Inadequate'); `<br>` becomes a line break.
"""

from __future__ import annotations

import re

# Never shown, or not the page's own words.
_DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "nav", "aside"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})
# A <header> or <footer> inside none of these is the site's banner or footer, not an article's own.
_SECTIONING = ["article", "aside", "main", "nav", "section"]
_BLOCKS = frozenset({
    "address", "article", "blockquote", "caption", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "legend", "li", "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})
_CELLS = ["td", "th"]
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # a no-break space is not HTML white space and stays


class _Out(str):
    """Text the walk writes itself (breaks, bullets, whole rows), as opposed to the page's text."""


_PARAGRAPH, _LINE, _BULLET = _Out("\n\n"), _Out("\n"), _Out("• ")


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block a paragraph; scripts, styles, menus and sidebars dropped.

    '<p>A<script>x()</script></p><p>B</p>' -> 'A\\n\\nB'
    """
    try:
        from bs4 import BeautifulSoup
    except ImportError as e:  # pragma: no cover - listed in requirements.txt
        raise ImportError("reading HTML needs beautifulsoup4: pip install beautifulsoup4") from e
    text = "".join(_walk(BeautifulSoup(html, "lxml")))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(root) -> list[str]:
    """The pieces of text under `root` in reading order, breaks included (a loop: pages nest deeply)."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []
    stack: list = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _Out):
            parts.append(node)
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, doctype or CDATA section
                parts.append(_HTML_SPACE.sub(" ", node))
        elif isinstance(node, Tag) and not _dropped(node):
            stack.extend(reversed(_contents(node)))
    return parts


def _contents(tag) -> list:
    """What `tag` stands for, in order: its children, wrapped in breaks if it is a block."""
    name = tag.name
    if name == "br":
        return [_LINE]
    if name == "pre":
        return [_PARAGRAPH, _Out(tag.get_text()), _PARAGRAPH]
    if name == "tr":
        cells = _row_cells(tag)
        if cells is not None:
            return [_PARAGRAPH, _Out(" ".join(text for text in map(_cell_text, cells) if text)), _PARAGRAPH]
    if name == "li":
        return [_PARAGRAPH, _BULLET, *tag.contents, _PARAGRAPH]
    if name in _BLOCKS:
        return [_PARAGRAPH, *tag.contents, _PARAGRAPH]
    return list(tag.contents)


def _row_cells(row) -> list | None:
    """The cells of a table row that reads as one line; None for a layout row, whose cells hold blocks.

    A row of one cell, or with a table inside a cell, lays out a page rather than tabulating data.
    """
    cells = row.find_all(_CELLS, recursive=False)
    if len(cells) < 2 or any(cell.find("table") for cell in cells):
        return None
    return cells


def _cell_text(cell) -> str:
    """A cell's visible text on one line."""
    return " ".join("".join(_walk(cell)).split())


def _dropped(tag) -> bool:
    """True for an element that is not the page's own words: scripts, menus, sidebars, site banners."""
    if tag.name in _DROPPED:
        return True
    role = str(tag.get("role") or "").split()
    if role and role[0] in _CHROME_ROLES:
        return True
    return tag.name in ("header", "footer") and tag.find_parent(_SECTIONING) is None
