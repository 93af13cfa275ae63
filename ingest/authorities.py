"""English local authorities with children's services, and finding them in text.

`AUTHORITIES` maps each canonical name to its other names and short forms. `find_authorities`
scans text with one compiled regex (a trie of the names' words), so it is fast on long
documents; `canonical_authority` resolves one name.
"""

from __future__ import annotations

import re
from types import MappingProxyType

# The 153 upper-tier councils of England (counties, unitaries, metropolitan boroughs, London
# boroughs, City of London, Isles of Scilly), each with the other names people use for it.
# Affixes such as "London Borough of", "Royal Borough of", "City of", "... Council" and
# "... County Council" are handled by the matcher, not listed here.
_AUTHORITIES = {
    # Counties
    "Cambridgeshire": ("Cambs",),
    "Derbyshire": (),
    "Devon": (),
    "East Sussex": (),
    "Essex": (),
    "Gloucestershire": ("Glos", "Gloucs"),
    "Hampshire": ("Hants",),
    "Hertfordshire": ("Herts",),
    "Kent": (),
    "Lancashire": ("Lancs",),
    "Leicestershire": ("Leics",),
    "Lincolnshire": ("Lincs",),
    "Norfolk": (),
    "Nottinghamshire": ("Notts",),
    "Oxfordshire": ("Oxon",),
    "Staffordshire": ("Staffs",),
    "Suffolk": (),
    "Surrey": (),
    "Warwickshire": ("Warks",),
    "West Sussex": (),
    "Worcestershire": ("Worcs",),
    # Unitary authorities
    "Bath and North East Somerset": ("B&NES", "BANES", "Bath and NE Somerset", "Bath & North East Somerset"),
    "Bedford": ("Bedford Borough",),
    "Blackburn with Darwen": ("Blackburn", "BwD"),
    "Blackpool": (),
    "Bournemouth, Christchurch and Poole": ("BCP", "Bournemouth"),
    "Bracknell Forest": ("Bracknell",),
    "Brighton and Hove": ("Brighton",),
    "Bristol": ("City of Bristol", "Bristol City"),
    "Buckinghamshire": ("Bucks",),
    "Central Bedfordshire": (),
    "Cheshire East": (),
    "Cheshire West and Chester": ("Cheshire West", "CWaC"),
    "Cornwall": (),
    "Cumberland": (),
    "Darlington": (),
    "Derby": ("Derby City",),
    "Dorset": (),
    "Durham": ("County Durham",),
    "East Riding of Yorkshire": ("East Riding",),
    "Halton": (),
    "Hartlepool": (),
    "Herefordshire": ("County of Herefordshire",),
    "Isle of Wight": ("IoW",),
    "Kingston upon Hull": ("Hull", "Kingston upon Hull City", "Hull City"),
    "Leicester": ("Leicester City",),
    "Luton": (),
    "Medway": (),
    "Middlesbrough": (),
    "Milton Keynes": (),
    "North East Lincolnshire": ("NE Lincolnshire", "North East Lincs", "NE Lincs"),
    "North Lincolnshire": ("North Lincs",),
    "North Northamptonshire": ("North Northants",),
    "North Somerset": (),
    "North Yorkshire": (),
    "Northumberland": (),
    "Nottingham": ("Nottingham City",),
    "Peterborough": (),
    "Plymouth": (),
    "Portsmouth": (),
    "Reading": (),
    "Redcar and Cleveland": ("Redcar",),
    "Rutland": (),
    "Shropshire": (),
    "Slough": (),
    "Somerset": (),
    "South Gloucestershire": ("South Glos",),
    "Southampton": (),
    "Southend-on-Sea": ("Southend",),
    "Stockton-on-Tees": ("Stockton",),
    "Stoke-on-Trent": ("Stoke",),
    "Swindon": (),
    "Telford and Wrekin": ("Telford",),
    "Thurrock": (),
    "Torbay": (),
    "Warrington": (),
    "West Berkshire": ("West Berks",),
    "West Northamptonshire": ("West Northants",),
    "Westmorland and Furness": ("Westmorland",),
    "Wiltshire": ("Wilts",),
    "Windsor and Maidenhead": ("RBWM",),
    "Wokingham": (),
    "York": ("City of York",),
    "Isles of Scilly": ("Scilly", "Council of the Isles of Scilly"),
    # Metropolitan boroughs
    "Barnsley": (),
    "Birmingham": (),
    "Bolton": (),
    "Bradford": (),
    "Bury": (),
    "Calderdale": (),
    "Coventry": (),
    "Doncaster": (),
    "Dudley": (),
    "Gateshead": (),
    "Kirklees": (),
    "Knowsley": (),
    "Leeds": (),
    "Liverpool": (),
    "Manchester": (),
    "Newcastle upon Tyne": ("Newcastle",),
    "North Tyneside": (),
    "Oldham": (),
    "Rochdale": (),
    "Rotherham": (),
    "St Helens": ("Saint Helens",),
    "Salford": (),
    "Sandwell": (),
    "Sefton": (),
    "Sheffield": (),
    "Solihull": (),
    "South Tyneside": (),
    "Stockport": (),
    "Sunderland": (),
    "Tameside": (),
    "Trafford": (),
    "Wakefield": (),
    "Walsall": (),
    "Wigan": (),
    "Wirral": (),
    "Wolverhampton": (),
    # London boroughs and the City
    "Barking and Dagenham": ("Barking",),
    "Barnet": (),
    "Bexley": (),
    "Brent": (),
    "Bromley": (),
    "Camden": (),
    "City of London": (),
    "Croydon": (),
    "Ealing": (),
    "Enfield": (),
    "Greenwich": ("Royal Greenwich",),
    "Hackney": (),
    "Hammersmith and Fulham": ("Hammersmith", "LBHF"),
    "Haringey": (),
    "Harrow": (),
    "Havering": (),
    "Hillingdon": (),
    "Hounslow": (),
    "Islington": (),
    "Kensington and Chelsea": ("RBKC", "Kensington"),
    "Kingston upon Thames": ("Kingston",),
    "Lambeth": (),
    "Lewisham": (),
    "Merton": (),
    "Newham": (),
    "Redbridge": (),
    "Richmond upon Thames": ("Richmond",),
    "Southwark": (),
    "Sutton": (),
    "Tower Hamlets": (),
    "Waltham Forest": (),
    "Wandsworth": (),
    "Westminster": (),
}

# Councils since abolished, still named in older reports, with every name that matches them (the
# canonical name is not implied). Bare "Bournemouth" means BCP today, so the old borough councils
# only match in full; bare "Poole" is also a surname and never matches.
_FORMER_AUTHORITIES = {
    "Northamptonshire": ("Northamptonshire", "Northants"),
    "Cumbria": ("Cumbria",),
    "Bournemouth": ("Bournemouth Borough Council",),
    "Poole": ("Borough of Poole", "Poole Borough Council"),
}

AUTHORITIES = MappingProxyType(_AUTHORITIES)
FORMER_AUTHORITIES = MappingProxyType(_FORMER_AUTHORITIES)

# Names that are also ordinary English words only count with a capital first letter ("reading",
# "bury" and "harrow" are words); other names match in any case, so "barnet" in a typed question works.
_NEEDS_CAPITAL = frozenset("reading bury harrow slough havering barking stoke hull derby hackney bucks iow bwd".split())
# Surnames among the names: "Nick Bolton" or "Jane Sutton" is a person, not a council.
_SURNAMES = frozenset(
    """bolton sutton merton wakefield bradford kent halton derby bury hull richmond bedford camden
    durham oldham dudley brent barnet enfield bromley darlington warrington rutland cornwall somerset
    dorset devon westminster kingston stockton telford newcastle reading harrow greenwich hackney
    trafford sefton york leeds luton lambeth essex norfolk suffolk""".split()
)
# A capitalised word before a surname-like name that does not make it a person's name.
_NOT_FIRST_NAMES = frozenset(
    """of in to for and or at from by on with about the a an this that these borough city county council
    london royal metropolitan district north south east west upon greater visit inspection report
    focused monitoring joint area send letter letters services children dear ofsted partnership
    local what which how why when where who whose did does do has have had was were is are will
    compare comparing show summarise summarize list tell give find describe explain both between
    versus vs across latest recent previous last first second and but also including like than
    rank ranking trace chart plot put line walk take pull count tally identify name rate rated judged""".split()
)
# "Reading the letter..." at the start of a sentence is a verb, not the town.
_VERB_OBJECTS = frozenset(
    """the this these that those a an through about of for with to in on from his her their our
    my your its it them all each every some any case cases records files across back over""".split()
)

_AFFIX_BEFORE = (
    r"(?:(?:(?:The\s+)?(?:London|Royal|Metropolitan)\s+)?Borough\s+of\s+|City\s+and\s+County\s+of\s+"
    r"|City\s+of\s+|County\s+of\s+|Council\s+of\s+(?:the\s+)?)"
)
_AFFIX_AFTER = (
    r"(?:\s+(?:(?:District\s+)?(?:Metropolitan\s+)?(?:Borough|City|County|District|Unitary)\s+)?Council"
    r"(?![A-Za-z]))"
)
_SEP = r"(?:\s*,\s*|\s*-\s*|\s+)"


def _norm(name: str) -> str:
    """Lookup key of a name: lower case, '&' as 'and', punctuation as spaces.

    _norm("Telford & Wrekin") -> "telford and wrekin"
    """
    name = name.replace("’", "'").replace("&", " and ")
    name = re.sub(r"\bst\.?(?=\s)", "st", name.lower())
    name = re.sub(r"'s\b", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def _token_re(token: str) -> str:
    if token == "and":
        return r"(?:and|&)"
    if token == "st":
        return r"(?:St\.?|Saint)"
    return re.escape(token)


def _trie_regex(token_lists: list[list[str]]) -> str:
    """A regex matching any of the token sequences, longest first at each step."""
    trie: dict = {}
    for tokens in token_lists:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}
    return _node_regex(trie, top=True)


def _node_regex(node: dict, top: bool = False) -> str:
    branches: dict[str, list[str]] = {}
    for token in sorted((t for t in node if t), key=len, reverse=True):
        rest = node[token]
        body = _token_re(token) + r"(?![A-Za-z0-9])"
        children = {k: v for k, v in rest.items() if k}
        if children:
            tail = f"(?:{_SEP}{_node_regex(children)})"
            body += tail + ("?" if "" in rest else "")
        branches.setdefault(token[0] if top and token.isalnum() and token != "st" else "", []).append(body)
    if not top:
        return "(?:" + "|".join(branches[""]) + ")"
    # At the top, branch on the first letter so most word starts fail after one comparison.
    groups = [f"{re.escape(c)}(?:{'|'.join(b[len(re.escape(c)):] for b in bodies)})"
              for c, bodies in branches.items() if c]
    return "(?:" + "|".join(groups + branches.get("", [])) + ")"


def _build():
    lookup: dict[str, str] = {}
    for canonical, aliases in _AUTHORITIES.items():
        for alias in (canonical, *aliases):
            lookup.setdefault(_norm(alias), canonical)
    for canonical, aliases in _FORMER_AUTHORITIES.items():
        for alias in aliases:
            lookup.setdefault(_norm(alias), canonical)
    pattern = (
        r"(?<![A-Za-z0-9&])(?P<before>" + _AFFIX_BEFORE + r")?(?P<core>"
        + _trie_regex([key.split() for key in lookup]) + r")(?P<after>" + _AFFIX_AFTER + r")?"
    )
    return MappingProxyType(lookup), re.compile(pattern, re.IGNORECASE)


_LOOKUP, _PATTERN = _build()
# A place in an address or a building's name is not the council: "Store Street Manchester M1 2WD",
# "Rutland House", "Bristol Avenue", "University of Bedford".
_POSTCODE_OR_PLACE_AFTER = re.compile(
    r"[ \t,]*\n?[ \t]*(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}\b|(?:House|Avenue|Place|Road|Street|Lane|Square|"
    r"Way|Close|Court|Drive|Gardens|Hospitals?|University|Airport|Crescent|Terrace|Buildings?|Row|Walk|Quay|Wharf)\b)"
)
# Before a name, these make it a region or a building, not the council: "Greater Manchester",
# "South Cumbria" (councils with such names, "North Somerset", match whole as the longer name).
_REGION_OR_INSTITUTION_BEFORE = re.compile(
    r"(?:\b(?:North|South|East|West|Central|Greater|Mid|Inner|Outer)|University\s+of)\s+$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“‘(])\s*$")
_PREV_WORD = re.compile(r"([A-Z][a-z]+)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)")


def _plausible(text: str, m: re.Match) -> bool:
    """Whether a match is a council and not an ordinary word or a person's name."""
    core = m.group("core")
    key = _norm(core)
    if key in _NEEDS_CAPITAL and not core[:1].isupper():
        return False
    if m.group("before"):
        return True  # "Borough of Reading" is a council whatever follows
    head = text[max(0, m.start() - 40) : m.start()]
    if not m.group("after") and (
        _POSTCODE_OR_PLACE_AFTER.match(text, m.end()) or _REGION_OR_INSTITUTION_BEFORE.search(head)
    ):
        return False
    if key in _SURNAMES:
        prev = _PREV_WORD.search(head)
        if prev and prev.group(1).lower() not in _NOT_FIRST_NAMES:
            return False
    if key == "reading" and not m.group("after"):
        after = _NEXT_WORD.match(text, m.end("core"))
        if after and after.group(1) in _VERB_OBJECTS and _SENTENCE_START.search(head):
            return False
    return True


def find_authorities(text: str) -> list[tuple[str, int, int]]:
    """Every council named in the text as (canonical name, start, end); the longest name wins.

    find_authorities("Help in North East Lincolnshire") -> [("North East Lincolnshire", 8, 31)]
    """
    if not text:
        return []
    out = []
    for m in _PATTERN.finditer(text):
        if not _plausible(text, m):
            continue
        canonical = _LOOKUP.get(_norm(m.group("core")))
        if canonical:
            out.append((canonical, m.start(), m.end()))
    return out


def canonical_authority(name: str) -> str | None:
    """The canonical name of a council from any of its names; None if it is not one.

    canonical_authority("bournemouth christchurch and poole council") -> "Bournemouth, Christchurch and Poole"
    """
    if not name or not name.strip():
        return None
    key = _norm(name)
    if key in _LOOKUP:
        return _LOOKUP[key]
    m = _PATTERN.fullmatch(name.strip())
    if m:
        return _LOOKUP.get(_norm(m.group("core")))
    # Surrounding words, "the London Borough of Barnet children's services": one council named.
    found = {c for c, _, _ in find_authorities(name)}
    return found.pop() if len(found) == 1 else None
