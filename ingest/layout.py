"""The page layout of raw text: pages of lines, which lines are furniture, and facts about the rest.

Furniture is what a page carries besides the document's own words: page numbers, running heads,
letterheads, recipient addresses, contact lines, footnotes (set aside, not dropped), contents lists,
template fields, press-site buttons and the Ofsted back page. Everything works on pages of lines,
each line whitespace-collapsed and stripped, "" for a blank line; functions return new lists and
never change the words of a line they keep, except to cut out an unfilled template field.
"""

from __future__ import annotations

import re
from collections import Counter

Page = list[str]

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_LINE = re.compile(rf"^(?:\w+day,? )?\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS}),? \d{{4}}\.?$")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^[-–]\s?\d{1,3}\s?[-–]$", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
_TEMPLATE = re.compile(  # '[Insert date]' anywhere; 'Insert DCS full name' to the end of a line
    r"\[\s*insert\b[^\]]{0,80}\]|\binsert\s+(?:[A-Z]{2,}|[A-Za-z]+)(?:\s+[\w’']+){0,5}\s*$", re.I
)
_FOOTNOTE = re.compile(r"^(\d{1,2})\s+\S")

STRONG_GLYPHS = frozenset("◼●•▪■◾◆○◦►▶➢✓✔\u25cf\uf06e\uf0a7\uf0b7\uf0d8\uf076\uf0fc")
WEAK_GLYPHS = frozenset("-–―−‐*\u0336")

# The Ofsted letterhead, whose parts PDF text extraction and copy-paste put on lines in any grouping.
_LETTERHEAD_STRONG = (
    r"Piccadilly Gate", r"Store St(?:reet|\.)?", r"M1 2WD", r"(?:T:?\s?)?0300 123 1231",
    r"(?:Textphone:?\s?)?0161 618 8524", r"(?:E:?\s?)?enquiries@ofsted\.gov\.uk", r"(?:W:?\s?)?www\.gov\.uk/ofsted",
    r"(?:W:?\s?)?www\.ofsted\.gov\.uk", r"Aviation House", r"125 Kingsway", r"WC2B 6SE",
)
_LETTERHEAD_WEAK = (  # parts that count only beside a strong part: 'Ofsted' or 'London' alone is not furniture
    r"Ofsted", r"Manchester", r"London", r"T:?", r"E:?", r"W:?", r"\d{3,4}", r"Textphone:?", r"enquiries@ofsted\.?",
    r"gov\.uk",
)
_LETTERHEAD_ANY = "|".join(_LETTERHEAD_STRONG + _LETTERHEAD_WEAK)
_LETTERHEAD = re.compile(rf"^(?:(?:{_LETTERHEAD_ANY})\s*[,|]?\s*)+$", re.I)
_LETTERHEAD_KEY = re.compile("|".join(_LETTERHEAD_STRONG), re.I)
_LETTERHEAD_HINTS = re.compile(r"Piccadilly|Store St|2WD|0300|0161|fsted\.gov\.uk|/ofsted|Aviation|Kingsway|6SE")

_PHONE = r"\+?\(?\d[\d ()-]{8,}\d"
_CONTACT = re.compile(
    r"^(?:(?:(?:direct\s+)?(?:t|tel|telephone|phone|f|fax|m|mobile|textphone|minicom|switchboard|direct line)"
    rf"[:.]?\s*{_PHONE})|(?:(?:direct\s+)?(?:e|email|e-mail)[:.]?\s*[^\s@]+@[^\s@]+)"
    r"|(?:(?:w|web|website)[:.]?\s*(?:https?://|www\.)\S+))"
    r"(?:\s+(?:(?:t|tel|f|fax|e|w|email)[:.]?\s*)?(?:[^\s@]+@[^\s@]+|(?:https?://|www\.)\S+|" + _PHONE + r"))*\s*$",
    re.I,
)

_ADDRESS = r"(?:[^\s@]+@[^\s@]+\.\w+|(?:https?://|www\.)\S+)"
_BARE_ADDRESS = re.compile(rf"^{_ADDRESS}(?:\s+{_ADDRESS})*$", re.I)

# Comment sections, share buttons and cookie banners of press sites; a line must consist of nothing else.
_PRESS_ITEMS = (
    r"Comments?:?(?:\s*\(\d+\))?", r"\d+ comments?", r"Our rules", r"Read the rules here\.?", r"Report this comment",
    r"Cancel", r"Reply", r"Last Updated:?(?:[^.]{0,40})", r"Please report any comments that break our rules\.?",
    r"We want our comments to be\b.*", r"The ability to comment on our stories\b.*",
    r"Share(?: this(?: article| story)?)?",
    r"Share on \w+", r"Copy link", r"Facebook", r"Twitter", r"WhatsApp", r"LinkedIn", r"Email", r"Print",
    r"(?:Sign up|Subscribe)(?: to| for)?(?: our| the)?(?: free)?(?: \w+)? newsletters?\b.{0,80}", r"Newsletter",
    r"(?:We|This (?:site|website)) uses? cookies\b.*", r"Accept (?:all )?cookies",
    r"Cookie (?:settings|policy|preferences)", r"Manage (?:cookies|preferences)", r"Follow us on \w+",
    r"Advertisement", r"Read more", r"Related (?:articles|stories)",
    r"Most (?:read|popular)", r"Sign in", r"Log in", r"Register", r"Click here to [^.]{0,60}",
)
_PRESS_ANY = "|".join(_PRESS_ITEMS)
_PRESS = re.compile(rf"^(?:(?:{_PRESS_ANY})\s*[|·•.]?\s*)+$", re.I)

# Openings of the standard Ofsted back page and complaints paragraphs (apostrophes made straight).
_BOILERPLATE = re.compile(
    r"^(?:The Office for Standards in Education, Children's Services and Skills \(Ofsted\) regulates"
    r"|If you would like a copy of this document in a different format"
    r"|You may reuse this information \(not including logos\)"
    r"|This (?:report|publication) is available at\b"
    r"|Interested in our work\?"
    r"|(?:©|\(c\)) Crown copyright"
    r"|If you are not happy with the inspection or the report, you can complain"
    r"|Any complaints about the inspection or the report should be made)",
    re.I,
)


def split_pages(raw: str) -> list[Page]:
    """Pages of a text (split at form feeds), each a list of whitespace-collapsed lines."""
    return [[" ".join(line.split()) for line in page.splitlines()] for page in raw.split("\f")]


def hard_line_ends(raw: str) -> set[tuple[int, str]]:
    """(page number, collapsed line) of lines ending in two or more spaces, as PDF paragraph ends do.

    Word-made PDFs leave a second trailing space where a paragraph ends; wrapped lines inside a
    paragraph almost never have one.
    """
    return {
        (p, " ".join(line.split()))
        for p, page in enumerate(raw.split("\f"))
        for line in page.splitlines()
        if line.endswith("  ") and line.strip()
    }


def is_date_line(line: str) -> bool:
    """True for a line that is only a date, such as '8 November 2022'."""
    return bool(_DATE_LINE.match(line))


def _nonblank_edges(page: Page, n: int) -> list[int]:
    """Indexes of the first and last `n` non-blank lines of a page."""
    idx = [i for i, line in enumerate(page) if line]
    return idx[:n] + idx[-n:] if len(idx) > 2 * n else idx


def _shape(line: str) -> str:
    """A line with its numbers masked, so 'page 2' and 'page 3' headers compare equal."""
    return re.sub(r"\d+", "#", line)


def strip_running_heads(pages: list[Page], keep=lambda line: False) -> list[Page]:
    """Pages without page numbers and the header/footer lines repeated at the edges of many pages.

    A line counts as a running head when, with digits ignored, it sits among the first or last four
    lines of at least two pages and of at least 40% of all pages; `keep(line)` protects lines such as
    known section headings that may by chance open two pages.
    """
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_shape(page[i]) for i in _nonblank_edges(page, 4)})
    limit = max(2, 0.4 * len(pages))
    repeated = {shape for shape, count in seen.items() if count >= limit and len(pages) > 1}

    def furniture(line: str) -> bool:
        return not line or bool(_PAGE_NUMBER.match(line)) or (_shape(line) in repeated and not keep(line))

    return [_trim_edges(page, furniture) for page in pages]


def _trim_edges(page: Page, furniture, most: int = 8) -> Page:
    """`page` without the blank and furniture lines at its top and foot (at most `most` lines each)."""
    lo, hi, taken = 0, len(page), 0
    while lo < hi and taken < most and furniture(page[lo]):
        taken += bool(page[lo])
        lo += 1
    taken = 0
    while hi > lo and taken < most and furniture(page[hi - 1]):
        taken += bool(page[hi - 1])
        hi -= 1
    return page[lo:hi]


def drop_contents(pages: list[Page]) -> list[Page]:
    """Pages without a table of contents ('Contents' then lines ending in page numbers)."""
    out = []
    for page in pages:
        lines = [line for line in page if line]
        if lines and lines[0].lower() in ("contents", "table of contents"):
            numbered = sum(bool(re.search(r"\S\s+\d{1,3}$", line)) for line in lines[1:])
            if numbered >= max(2, 0.6 * (len(lines) - 1)):
                page = [line for line in page if not re.search(r"\S\s+\d{1,3}$", line)][1:]
        out.append(page)
    return out


def split_footnotes(pages: list[Page]) -> tuple[list[Page], list[list[list[str]]]]:
    """Pages without their footnotes, and each page's footnotes as lists of lines.

    A footnote starts near the foot of a page with its number, the next one expected, and that
    number stands as a marker against a word earlier on the page ('Board1', 'practice?1').
    """
    expected = 1
    bodies: list[Page] = []
    notes: list[list[list[str]]] = []
    for page in pages:
        start = None
        tail = [i for i, line in enumerate(page) if line][-14:]
        for i in tail:
            m = _FOOTNOTE.match(page[i])
            if m and int(m.group(1)) == expected:
                marker = re.compile(rf"[^\W\d_][.,;:?!)’”']?{expected}(?!\d)")
                if any(marker.search(line) for line in page[:i]):
                    start = i
                    break
        if start is None:
            bodies.append(page)
            notes.append([])
            continue
        page_notes: list[list[str]] = []
        for line in page[start:]:
            m = _FOOTNOTE.match(line)
            if m and int(m.group(1)) == expected:
                page_notes.append([line])
                expected += 1
            elif line and page_notes:
                page_notes[-1].append(line)
        bodies.append(page[:start])
        notes.append(page_notes)
    return bodies, notes


def strip_template(line: str) -> str:
    """A line without unfilled template fields such as 'Insert DCS full name' or '[Insert date]'."""
    if "nsert" not in line and "NSERT" not in line:
        return line
    return " ".join(_TEMPLATE.sub(" ", line).split())


def _has_letterhead_key(line: str) -> bool:
    """True when a line holds a part of the Ofsted address found nowhere else (Piccadilly Gate, M1 2WD …)."""
    # A cheap literal search first: most lines are prose and the full pattern is not free.
    return len(line) < 200 and _LETTERHEAD_HINTS.search(line) is not None and _LETTERHEAD_KEY.search(line) is not None


def _is_letterhead(line: str, near_strong: bool) -> bool:
    """True for a line made only of letterhead parts, at least one strong or beside a strong line."""
    if len(line) > 200 or not _LETTERHEAD.match(line):
        return False
    return near_strong or _has_letterhead_key(line)


def _is_address_only(line: str) -> bool:
    """True for a short line ending in a postcode: 'BH2 6DY', 'London SE18 6HQ'."""
    if line.count(" ") > 3:
        return False
    m = _POSTCODE.search(line)
    return m is not None and m.end() == len(line) and len(line.split()) <= 4


def remove_furniture(pages: list[Page]) -> list[Page]:
    """Pages without letterhead, contact, press-site, bare-postcode and empty-template lines."""
    out = []
    for page in pages:
        strong = [_has_letterhead_key(line) for line in page]
        kept: Page = []
        after_break = True  # a bare web or email address is furniture unless a sentence runs into it
        for i, line in enumerate(page):
            if not line:
                kept.append(line)
                after_break = True
                continue
            near = any(strong[max(0, i - 3): i + 4])
            cleaned = strip_template(line)
            if (
                not cleaned
                or _is_letterhead(cleaned, near)
                or (cleaned.count(" ") < 12 and _CONTACT.match(cleaned) is not None)
                or (len(cleaned) < 400 and _PRESS.match(cleaned) is not None)
                or _is_address_only(cleaned)
                or (after_break and _BARE_ADDRESS.match(cleaned))
            ):
                after_break = True
                continue
            kept.append(cleaned)
            after_break = cleaned.endswith((".", "!", "?"))
        out.append(kept)
    return out


def drop_letter_head(pages: list[Page]) -> list[Page]:
    """Pages without a letter's recipient block: what precedes 'Dear …' except the date and prose.

    Only the top of the first pages is searched, so a 'Dear' quoted deep in an article is left alone.
    """
    seen = 0
    for p, page in enumerate(pages):
        for i, line in enumerate(page):
            if not line:
                continue
            seen += 1
            if seen > 45:
                return pages
            if re.match(r"Dear\s+\S", line) and len(line.split()) <= 8:
                return [_head_kept(q) for q in pages[:p]] + [_head_kept(page[:i]) + page[i:]] + pages[p + 1:]
    return pages


def _head_kept(lines: Page) -> Page:
    """The lines above 'Dear …' worth keeping: the date, blanks and any prose (a press intro)."""

    def keep(line: str) -> bool:
        if not line or is_date_line(line):
            return True
        if _POSTCODE.search(line):
            return False
        return len(line.split()) > 12 or line.endswith((".", "!", "?"))

    return [line for line in lines if keep(line)]


def is_boilerplate(paragraph: str) -> bool:
    """True for a paragraph of the standard Ofsted back page (licence, copyright, complaints)."""
    return bool(_BOILERPLATE.match(paragraph.replace("’", "'")))


def typical_width(lines: list[str]) -> float | None:
    """The length of a full line of the document's hard-wrapped prose, or None if lines are not wrapped."""
    lengths = sorted(len(line) for line in lines if line.count(" ") >= 5)
    if len(lengths) < 3:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return None if width > 160 else float(width)


def bullet_text(line: str, strong_only: bool) -> str | None:
    """The text after a bullet glyph opening `line`, or None if it does not open with one."""
    glyph = line[:1]
    if glyph in STRONG_GLYPHS or "\ue000" <= glyph <= "\uf8ff":
        return line[1:].strip()
    if not strong_only and glyph in WEAK_GLYPHS and line[1:2] == " " and len(line) > 2:
        return line[2:].strip()
    return None


def line_events(pages, notes, hard_ends) -> list[tuple[str, str | list[str]]]:
    """The document as ('line', text), ('end', text), ('blank', '') and ('note', lines) events.

    'end' is a line that ends with the mark of a paragraph end; a lone bullet glyph is merged into
    the line after it.
    """
    events: list[tuple[str, str | list[str]]] = []
    for p, (page, page_notes) in enumerate(zip(pages, notes)):
        glyph = None
        for line in page:
            if not line:
                glyph = None
                if events and events[-1][0] in ("line", "end"):
                    events.append(("blank", ""))
            elif bullet_text(line, strong_only=True) == "":
                glyph = line  # a bullet glyph alone, its text on the next line
            else:
                kind = "end" if (p, line) in hard_ends else "line"
                events.append((kind, f"{glyph} {line}" if glyph else line))
                glyph = None
        events.extend(("note", note) for note in page_notes)
    return events


def bullets_split_by_blanks(events) -> bool:
    """True when bullets' first lines are followed by a blank and a lower-case continuation, twice or more.

    Some copies of letters put a blank line inside every bullet item; this is the evidence for it.
    """
    seen = 0
    for (k1, a), (k2, _), (k3, b) in zip(events, events[1:], events[2:]):
        lines_around = k1 in ("line", "end") and k2 == "blank" and k3 in ("line", "end")
        if lines_around and bullet_text(str(a), True) and str(b)[:1].islower():
            seen += 1
    return seen >= 2


def next_lines(events) -> list[str | None]:
    """For each event, the text of the next line after it (None at the end)."""
    out: list[str | None] = [None] * len(events)
    nxt = None
    for i in range(len(events) - 1, -1, -1):
        out[i] = nxt
        if events[i][0] in ("line", "end"):
            nxt = str(events[i][1])
    return out
