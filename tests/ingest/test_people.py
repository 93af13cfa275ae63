"""People named in documents' own text: the visit's inspectors and the letter's addressee.

The bundled documents' inspectors and recipients, found through find_metadata, are checked in
test_metadata.py; here each rule is tested on its own.
"""

from __future__ import annotations

import pytest

import ingest.metadata
from ingest.people import find_inspectors, find_recipient


@pytest.mark.parametrize(
    "text, expected",
    [
        ("His Majesty's Inspectors for this visit were Steve Lowe and Louise Hocking.", ("Steve Lowe", "Louise Hocking")),
        ("The inspectors were Diane Partridge and Julie Knight, Her Majesty’s Inspectors.", ("Diane Partridge", "Julie Knight")),
        (
            "The inspectors were Peter McEntee, Her Majesty's Inspector, and Pauline Higham, Her Majesty's Inspector.",
            ("Peter McEntee", "Pauline Higham"),
        ),
        (
            "The inspectors were Neil\nPenswick, HMI, Louise Hollick, HMI, Peter McEntee, HMI, Jan Edwards, HMI and\n"
            "Chris Smith, HMI.",
            ("Neil Penswick", "Louise Hollick", "Peter McEntee", "Jan Edwards", "Chris Smith"),
        ),
        ("The visit was carried out by Her Majesty's Inspectors Matt Reed and Lorna Schlechte.", ("Matt Reed", "Lorna Schlechte")),
        (
            "His Majesty's Inspectors for this visit were lead inspector Anna Smith and team inspectors Bob Jones and Cat Lee.",
            ("Anna Smith", "Bob Jones", "Cat Lee"),
        ),
        ("Lead inspector: Steve Lowe, Her Majesty's Inspector\nJudgement Grade", ("Steve Lowe",)),
        ("Lead inspector: Máire Atherton, Her Majesty's Inspector", ("Máire Atherton",)),
        (
            "The inspection team\nLead inspector: Jenny Turnross HMI\nDeputy lead inspector: Peter McEntee HMI\n"
            "Team inspectors: Margaret Burke HMI, Victor\nReid HMI, Nick Veysey SCRI\nShadow inspectors: Nick Gadfield HMI\n"
            "Senior data analyst: Patrick Thomson",
            ("Jenny Turnross", "Peter McEntee", "Margaret Burke", "Victor Reid", "Nick Veysey", "Nick Gadfield"),
        ),
        (
            "Inspection team\nOfsted Care Quality Commission\nSam Hainey, Ofsted Lead Inspector Lesley Perry, CQC Lead "
            "Inspector\nMaire Atherton, Ofsted HMI Lea Pickerill, CQC Inspector",
            ("Sam Hainey", "Maire Atherton", "Lesley Perry", "Lea Pickerill"),
        ),
        ("I am copying this letter.\n\nYours sincerely\n\nTracey Ledder His Majesty's Inspector", ("Tracey Ledder",)),
        ("Yours sincerely\n\n\nDiane Partridge\nHer Majesty’s Inspector\n", ("Diane Partridge",)),
        # Joint inspection letters are signed by national leaders, who are not the visit's inspectors.
        ("Yours sincerely\nYvette Stanley\nNational Director, Regulation and Social Care, Ofsted\n"
         "Wendy Williams CBE\nHer Majesty's Inspector of Constabulary", ()),
        ("Inspectors looked at a range of evidence.", ()),
    ],
)
def test_find_inspectors(text, expected):
    assert find_inspectors(text) == expected


def test_inspectors_are_not_repeated():
    text = "The inspectors were Steve Lowe and Anna Gravelle, HMI.\n...\nYours sincerely\n\nSteve Lowe\nHMI\n"
    assert find_inspectors(text) == ("Steve Lowe", "Anna Gravelle")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8 November 2022\n\nCathi Hadley\nCorporate Director, Children's Services\n\nDear Cathi", "Cathi Hadley"),
        ("12 January 2024\n\nCathi Hadley Corporate Director Children's Services Civic Centre\n\nDear Cathi", "Cathi Hadley"),
        ("18 December 2019\n\nMs Judith Ramsden\nCorporate Director\n\nDear Ms Ramsden", "Judith Ramsden"),
        ("16 August 2021\nEdwina Grant OBE\nExecutive Director\n\nDear Edwina,", "Edwina Grant"),
        ("31 August 2021\nSaleem Tariq OBE\nDirector of Children and Families\n\nDear Sal", "Saleem Tariq"),
        # The address block opens with a job title; the name "Dear" agrees with is found below it.
        ("26 October 2022\nDirector of Children's Services\nChurch Road\n\nMartin Gray\nDirector\n\nDear Martin", "Martin Gray"),
        ("6 March 2020\nStephen Kitchman, Director of Children's Services, London Borough of Bexley\n"
         "Dear local partnership", "Stephen Kitchman"),
        ("No letter here.", None),
    ],
)
def test_find_recipient(text, expected):
    assert find_recipient(text) == expected


def test_still_importable_from_metadata():
    assert ingest.metadata.find_inspectors is find_inspectors
    assert ingest.metadata.find_recipient is find_recipient
