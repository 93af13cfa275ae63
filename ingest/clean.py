"""Clean the raw text of an Ofsted letter, report or press copy into paragraphs split by one blank line.

Hard-wrapped lines are reflowed, page furniture is dropped (see `ingest.layout`), and headings,
bullets, numbered paragraphs and grade-table rows each become a paragraph of their own. Apart from
whitespace, dropped lines, bullet glyphs and the rare line-end hyphen proven to split a word, no
character is changed: answers quote the cleaned text as the inspectors' own words.
"""

from __future__ import annotations

import re

from ingest import layout

Block = tuple[bool, list[str]]  # a paragraph before joining: (is a bullet item, its lines)
Vocabulary = tuple[frozenset[str], frozenset[str]]  # (words written whole, hyphenated pairs)

_GRADE = r"(?:Requires improvement to be good|Requires improvement|Outstanding|Good|Inadequate)"
_GRADE_ONLY = re.compile(rf"^{_GRADE}$")
_GRADE_ROW = re.compile(rf"^(?:\d{{1,3}}(?:\.\d{{1,2}})?\.?\s+)?[A-Z][^.:]*\s{_GRADE}$")
_GRADE_HEADING_END = re.compile(
    r"(?::|\bis|\bare) (?:outstanding|good|requires improvement(?: to be good)?|inadequate)$", re.I
)
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|should|can|could|must|do|does|did)\b")
_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_NOTE_MARKER = re.compile(r"(?:(?<=[^\W\d_])|(?<=[?.)']))\d{1,2}$")
_NUMBERED = re.compile(r"^(\d{1,3})(?:\.|\.\d{1,2}\.?)\s+\S")
_SUBNUMBERED = re.compile(r"^\d{1,3}\.\d{1,2}\.?\s")
_HYPHEN_END = re.compile(r"([^\W\d_]+)[-‐]$")
_SUSPENDED = re.compile(r"(?:and|or|to|nor)(?:\s|$)")
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_JOINERS = frozenset(
    "a about across after against also an and any are as at be been before being between both but by can could "
    "did do does during each either for from had has have her his if in including into is its may might more "
    "most must nor not of on or our over per should so such than that the their these this those through to "
    "towards under upon very via was were when where whether which while who whom whose will with within "
    "without would your".split()
)
_KNOWN_HEADINGS = frozenset((
    "headline findings", "findings and evaluation of progress", "areas covered by the visit", "overview",
    "findings", "main findings", "key findings", "key strengths", "context", "local context", "background",
    "introduction", "summary", "summary of key findings", "recommendations", "next steps", "leadership",
    "what needs to improve", "what needs to improve in this area of social work practice",
    "areas for improvement", "key areas for improvement", "areas for development", "areas for priority action",
    "areas for priority action and improvement", "priority action", "inspection outcome", "inspection findings",
    "inspection team", "information about this inspection", "information about this local authority area",
    "information about the local area partnership", "local area partnership details",
    "inspection judgements about the local authority", "what the inspection judgements mean",
    "case study", "case study: highly effective practice", "case study: effective practice",
    "case study: good practice", "case study: area for improvement", "practice study: highly effective practice",
    "practice study: area for improvement", "the local authority", "the effectiveness of partnership working",
    "the effectiveness of leaders and managers", "the effectiveness of the local safeguarding children board",
    "what is the area partnership doing that is effective", "what does the area partnership need to do better",
    "what is it like to be a child or young person with send in this area",
    "what is it like to be a child or young person with special educational needs and/or disabilities (send) "
    "in this area",
    "the experiences and progress of children in care", "the experiences and progress of care leavers",
    "help and protection", "children in care", "care leavers", "judgement grade", "key judgement judgement grade",
    "leadership, management and governance",
))
_HEADING_PATTERNS = re.compile(
    r"^(?:the experiences and progress of |the impact of leaders on |the effectiveness of leaders |"
    r"what is it like to be a child |what (?:needs|does|should|is|are|do) |"
    r"inspection of .{3,120}(?:children's services|local area partnership)$|area send inspection of |"
    r"joint targeted area inspection of |(?:focused|monitoring) visit to |(?:case|practice) study: |"
    r"section \d+: |what the inspection judgements mean)"
)


def clean_text(raw: str, source_format: str = "text") -> str:
    """Cleaned text of a document, paragraphs separated by one blank line."""
    pages = layout.split_pages(raw)
    pages = layout.strip_running_heads(pages, keep=lambda line: _heading_key(line) in _KNOWN_HEADINGS)
    pages = layout.remove_furniture(pages)
    pages = layout.drop_contents(pages)
    pages, notes = layout.split_footnotes(pages)
    pages = layout.drop_letter_head(pages)
    lines = [line for page in pages for line in page if line]
    vocabulary = _vocabulary(lines + [line for page in notes for note in page for line in note])
    if source_format in ("html", "docx"):
        blocks = _blocks_by_blank_lines(pages, notes)
    else:
        blocks = _blocks_by_layout(pages, notes, layout.typical_width(lines), layout.hard_line_ends(raw))
    paras = (_finish(block, vocabulary) for block in blocks)
    return "\n\n".join(p for p in paras if p and not layout.is_boilerplate(p))


def is_heading(paragraph: str) -> bool:
    """True for a section heading paragraph such as 'Headline findings'."""
    text = " ".join(paragraph.split())
    if not text or not text[0].isupper() or not text[0].isalpha():
        return False
    if len(text) > 160 or len(text.split()) > 25 or text.endswith((".", ",", ";")) or ". " in text:
        return False
    if _GRADE_ROW.match(text) and not re.search(r":\s", text):
        return False  # a grade-table row, e.g. 'Overall effectiveness Inadequate'
    key = _heading_key(text)
    words = text.split()
    if key in _KNOWN_HEADINGS or _HEADING_PATTERNS.match(key) or (text.endswith("?") and len(words) <= 25):
        return True
    return (
        len(words) <= 10
        and (len(words) == 1 or any(w[:1].islower() for w in words[1:]))  # not a name such as 'Steve Lowe'
        and len(text) <= 90
        and not re.search(r"[,@]|www\.|https?:|\d{4}|\bInspector\b|\bHMI\b", text)
        and not _FINITE_VERB.search(text)  # 'Children are safe' is a sentence, not a heading
        and not text.startswith(("Dear ", "Yours ", "Lead inspector", "Inspection date"))
        and not text.endswith(":")
    )


def paragraphs(cleaned: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each paragraph of cleaned text."""
    return [m.span() for m in _PARAGRAPH.finditer(cleaned)]


def _heading_key(line: str) -> str:
    """A heading's lookup form: lower case, straight apostrophes, no footnote marker or trailing ':?'."""
    key = line.lower().replace("’", "'")
    if key[-1:].isdigit():
        key = _NOTE_MARKER.sub("", key)
    return key.rstrip(" :?")


def _vocabulary(lines: list[str]) -> Vocabulary:
    """The document's words written whole, and its in-line hyphenated word pairs ('well-being')."""
    if not any(line.endswith(("-", "‐")) for line in lines):
        return frozenset(), frozenset()  # nothing to decide
    text = "\n".join(lines).lower()
    pairs: set[str] = set()
    for token in text.split():
        for compound in _COMPOUND.findall(token) if "-" in token else ():
            parts = compound.split("-")
            pairs.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
    return frozenset(_WORD.findall(text)), frozenset(pairs)


def _join_hyphenated(left: str, right: str, vocabulary: Vocabulary) -> str:
    """Two lines joined at the hyphen ending `left`: dropped only if the document proves a split word.

    Word-processed letters rarely auto-hyphenate, so 'multi-' + 'agency' stays 'multi-agency'; the
    hyphen goes only when the joined word occurs elsewhere whole and the hyphenated form never does.
    """
    words, pairs = vocabulary
    head, tail = _HYPHEN_END.search(left[-60:]), _WORD.match(right)
    if head and tail:
        stem, rest = head.group(1).lower(), tail.group(0).lower()
        if stem + rest in words and f"{stem}-{rest}" not in pairs:
            return left[:-1] + right
    return left + right


def _join_lines(lines: list[str], vocabulary: Vocabulary) -> str:
    """One paragraph from its lines: single spaces, or nothing after a line-end hyphen.

    A hyphen before 'and', 'or' or 'to' is left hanging ('16- and 17-year-olds'), so a space follows it.
    """
    parts = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        hyphen = prev.endswith(("-", "‐")) and prev[-2:-1].isalnum() and line[:1].isalnum()
        if hyphen and not _SUSPENDED.match(line):
            joined = _join_hyphenated(prev, line, vocabulary)
            if len(joined) < len(prev) + len(line):
                parts[-1] = parts[-1][:-1]
            parts.append(line)
        else:
            parts.append(" " + line)
    return "".join(parts)


def _finish(block: Block, vocabulary: Vocabulary) -> str:
    """A paragraph's final text, with '• ' before a bullet item; '' when it holds no letter or digit."""
    bullet, lines = block
    text = " ".join(_join_lines(lines, vocabulary).split())
    if not any(c.isalnum() for c in text):
        return ""
    return "• " + text if bullet else text


def _blocks_by_blank_lines(pages, notes) -> list[Block]:
    """Paragraphs of text whose blocks are already split by blank lines (HTML, Word)."""
    blocks: list[Block] = []
    for page, page_notes in zip(pages, notes):
        cur: list[str] = []
        for line in page + [""]:
            if line:
                cur.append(line)
            elif cur:
                text = layout.bullet_text(cur[0], strong_only=False)
                blocks.append((text is not None, [text] + cur[1:] if text is not None else cur))
                cur = []
        blocks.extend((False, note) for note in page_notes)
    return [(b, [line for line in lines if line]) for b, lines in blocks if any(lines)]


def _blocks_by_layout(pages, notes, width: float | None, hard_ends=frozenset()) -> list[Block]:
    """Paragraphs of hard-wrapped or one-line-a-paragraph text, decided line by line from the layout."""
    events = layout.line_events(pages, notes, hard_ends)
    following = layout.next_lines(events)
    split_bullets = layout.bullets_split_by_blanks(events)
    blocks: list[Block] = []
    held: list[Block] = []  # footnotes wait until the paragraph they interrupt has ended
    cur: list[str] = []
    cur_bullet, gap, hard, last_number = False, False, False, 0
    for i, (kind, payload) in enumerate(events):
        if kind == "blank":
            gap = True
            continue
        if kind == "note":
            held.append((False, list(payload)))
            continue
        line = str(payload)
        bullet = layout.bullet_text(line, strong_only=True)
        if bullet is None and line[:1] in layout.WEAK_GLYPHS and _weak_bullet_allowed(cur, cur_bullet, gap):
            bullet = layout.bullet_text(line, strong_only=False)
        number = _paragraph_number(line, cur, gap, last_number)
        if cur and (
            bullet is not None
            or number is not None
            or _breaks(cur, line, gap, following[i], width, cur_bullet, split_bullets, hard)
        ):
            blocks.append((cur_bullet, cur))
            blocks.extend(held)
            held, cur = [], []
        if cur:
            cur.append(line)
        else:
            cur_bullet, cur = bullet is not None, [line if bullet is None else bullet]
            last_number = last_number if number is None else number
        gap, hard = False, kind == "end"
    if cur:
        blocks.append((cur_bullet, cur))
    blocks.extend(held)
    return [(b, [line for line in lines if line]) for b, lines in blocks if any(lines)]


def _paragraph_number(line: str, cur: list[str], gap: bool, last_number: int) -> int | None:
    """The number of a numbered paragraph that `line` opens ('12. …', '2.1 …'), or None.

    A wrapped line can open with a number too ('… aged 16 and' + '17. They …'), so the number must
    follow on from the last one or come after a finished sentence, a gap or a heading.
    """
    m = _NUMBERED.match(line)
    if not m:
        return None
    n = int(m.group(1))
    if (
        not cur
        or gap
        or _ends_clause(cur[-1])
        or n in (1, last_number + 1)
        or (n == last_number and _SUBNUMBERED.match(line) is not None)
        or (len(cur) <= 3 and _heading_key(" ".join(cur)) in _KNOWN_HEADINGS)
    ):
        return n
    return None


def _weak_bullet_allowed(cur: list[str], cur_bullet: bool, gap: bool) -> bool:
    """Whether a line opening with '-', '–' or '*' starts a list item rather than continuing a sentence."""
    return not cur or gap or cur_bullet or _ends_clause(cur[-1]) or (len(cur) <= 3 and is_heading(" ".join(cur)))


def _breaks(
    cur: list[str], line: str, gap: bool, after: str | None, width: float | None,
    cur_bullet: bool = False, split_bullets: bool = False, hard: bool = False,
) -> bool:
    """Whether `line` starts a new paragraph after the lines `cur` of the current one.

    `after` is the line that follows `line`; `split_bullets` says the document puts a blank line
    after the first line of each bullet item; `hard` that the last line of `cur` carried the
    trailing spaces of a paragraph end.
    """
    prev = cur[-1]
    whole = " ".join(cur) if len(cur) <= 4 else ""  # only short paragraphs can be headings or table rows
    # Headings, back-page boilerplate and a letter's greeting and sign-off stand alone.
    if line[:1].isupper() and len(line) < 160 and _heading_key(line) in _KNOWN_HEADINGS:
        if not (after or "")[:1].islower():
            return True
    if layout.is_boilerplate(line) or prev.startswith(("Dear ", "Yours ")):
        return True
    if _GRADE_ONLY.match(line) and not _ends_clause(prev):
        return False  # the grade cell of a table row: 'The experiences and progress of …' + 'Good'
    # A lower-case start continues the sentence across a wrap, a blank line or a page break.
    if line[:1].islower() or (line[:1] in "(‘'\"“" and line[1:2].islower()):
        return gap and _ends_sentence(prev)
    if len(whole) < 200 and _GRADE_ROW.match(whole):
        return True  # a complete grade-table row
    if whole and _heading_key(whole) in _KNOWN_HEADINGS:
        return True
    terminal = _ends_clause(prev)
    if (terminal or gap) and _judgement_heading(line, after):
        return True
    full = _ratio(prev, line, width) >= 0.88
    if gap:
        return not (_joins_on(prev) or (split_bullets and cur_bullet and len(cur) == 1 and full))
    if not terminal and _proper_continuation(prev, line):
        return False
    if _standalone(line, after, width) and not _joins_on(prev):
        return True
    # Otherwise the layout decides: a line that stopped well short of the margin ended its paragraph.
    if terminal:
        return not full or (hard and _ends_sentence(prev))
    return not full and not _joins_on(prev)


def _judgement_heading(line: str, after: str | None) -> bool:
    """True for a heading such as 'The impact of leaders on …: inadequate', perhaps wrapped onto `after`."""
    key = _heading_key(line) if len(line) < 160 else ""
    if not _HEADING_PATTERNS.match(key) or _ends_clause(line) or len(line.split()) > 16:
        return False
    ending = after if after and after[:1].islower() else line
    return _standalone(line, after, None) or bool(_GRADE_HEADING_END.search(ending)) or ending.endswith("?")


def _ratio(prev: str, line: str, width: float | None) -> float:
    """How full `prev` would be with the first word of `line` added: under ~0.88 the break was deliberate."""
    if width is None:
        return 0.0
    return (len(prev) + 1 + len(line.split(" ", 1)[0])) / width


def _standalone(line: str, after: str | None, width: float | None) -> bool:
    """True for a short capitalised line without final punctuation that is followed by a new start."""
    if not line[:1].isupper() or re.search(r"[.,;:!]$|,", line) or len(line.split()) > 10:
        return False
    if width is not None and len(line) > 0.6 * width:
        return False
    return after is None or not after[:1].islower()


def _proper_continuation(prev: str, line: str) -> bool:
    """True when `line` ends a name wrapped after `prev`: '… Local' + 'Area Partnership'."""
    words = line.split()
    return (
        len(words) <= 3
        and prev.rsplit(" ", 1)[-1][:1].isupper()
        and all(w[:1].isupper() for w in words)
        and not _ends_clause(line)
        and ": " not in prev  # 'Lead inspector: …' is a label with its value
        and not (words[-1].startswith("Inspector") or prev.startswith(("Dear ", "Yours ")))
    )


def _joins_on(prev: str) -> bool:
    """True when `prev` ends mid-phrase: on a comma, a dash or a word such as 'and' or 'of'."""
    last = prev.rsplit(" ", 1)[-1].lower()
    return prev.endswith((",", "-", "–", "—", "/", "&", "(")) or last in _JOINERS


def _ends_clause(text: str) -> bool:
    """True when `text` ends with . ! ? : or ;, perhaps followed by closing quotes or brackets."""
    return text.rstrip("’”'\")]")[-1:] in (".", "!", "?", ":", ";")


def _ends_sentence(text: str) -> bool:
    """True when `text` ends with . ! or ?, perhaps followed by closing quotes or brackets."""
    return text.rstrip("’”'\")]")[-1:] in (".", "!", "?")
