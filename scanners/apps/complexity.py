"""Complexity band of a business app, in the manner of the EUC tools (Apparity, Incisive, ClusterSeven).

Those tools score a spreadsheet or database app from its size and its
connections; the owner supplies business impact, and the two together give
the control level.  Ours is the size half, as a band:

============================  ===========  ==========
measure                       Medium from  High from
============================  ===========  ==========
code lines (non-comment)      200          1,000
modules (std, class, docs)    3            10
procedures                    10           50
forms (user forms, dialogs)   1            3
formulas                      500          5,000
links + data connections      1            5
Excel 4 macro sheets          1            3
Access queries                10           50
Access reports                3            15
============================  ===========  ==========

High when any measure reaches its High threshold or three measures reach
Medium; Medium when one measure reaches Medium; Low otherwise.  A band is
given to apps only: a data workbook's links and connections are reported
as risks, and it has no code to maintain or hand over.
"""
from __future__ import annotations

from . import AppFacts

#: measure -> (Medium from, High from)
THRESHOLDS: dict[str, tuple[int, int]] = {
    "code_lines": (200, 1000),
    "modules": (3, 10),
    "procedures": (10, 50),
    "forms": (1, 3),
    "formulas": (500, 5000),
    "links_and_connections": (1, 5),
    "macros": (1, 3),
    "queries": (10, 50),
    "reports": (3, 15),
}
MEDIUMS_FOR_HIGH = 3


def measures(facts: AppFacts) -> dict[str, int]:
    """The numbers the band is computed from."""
    return {
        "code_lines": facts.code_lines,
        "modules": facts.modules,
        "procedures": facts.procedures,
        "forms": facts.forms,
        "formulas": facts.formulas,
        "links_and_connections": facts.external_links + facts.connections,
        "macros": facts.macros,
        "queries": facts.queries,
        "reports": facts.reports,
    }


def complexity_band(facts: AppFacts) -> str:
    """"High", "Medium" or "Low" (see the module docstring for the thresholds)."""
    values = measures(facts)
    mediums = 0
    for name, (medium, high) in THRESHOLDS.items():
        if values[name] >= high:
            return "High"
        if values[name] >= medium:
            mediums += 1
    if mediums >= MEDIUMS_FOR_HIGH:
        return "High"
    return "Medium" if mediums else "Low"
