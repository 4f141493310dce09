"""What the detectors learn of one file's texts, kept while the file is inspected.

A column repeats its values, and a text is looked at several times (as a column,
a form, a card; a name, a label): the answers are remembered in dicts made by
:func:`remembered`.  The texts are personal data, so the worker empties every
such dict after each file (:func:`forget`, called by ``scanners.pipeline``):
nothing read from one file stays in memory for the next.
"""
from __future__ import annotations

_MEMORIES: list[dict] = []
#: texts remembered at most per dict (a hostile file's millions of distinct cells)
MAX_REMEMBERED = 20_000


def remembered() -> dict:
    """A dict of what is learnt of the file's texts, emptied by :func:`forget`."""
    memory: dict = {}
    _MEMORIES.append(memory)
    return memory


def remember(memory: dict, key, value):
    """Store ``value`` under ``key`` unless the dict is full; return ``value``."""
    if len(memory) < MAX_REMEMBERED:
        memory[key] = value
    return value


def forget() -> None:
    """Drop what was remembered of the last file's texts."""
    for memory in _MEMORIES:
        memory.clear()
