"""click's own messages ("Invalid value for '--workers': 'x' is not a valid integer.") in the
command line's language, from the registry's catalogue.

click writes its messages through the standard library's ``gettext`` functions, imported
into each of its modules as ``_`` and ``ngettext``; :func:`install` points those names at
the catalogue, in the language of this command line (``--lang``, found by
:mod:`inventory.cli.text` in the running command's context or, once click has left it to
print an error, in ``sys.argv``).  A
message the catalogue lacks stays click's English, as before.
"""
from __future__ import annotations

from collections.abc import Callable

from inventory import catalogue
from inventory.catalogue import N_

#: click's messages a person meets, with their Japanese in messages.po
CLICK_MESSAGES = (
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("file"), N_("directory"), N_("path"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("Option {name!r} does not take a value."), N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."), N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"), N_("Aborted!"), N_("Missing command."),
)
_KNOWN = frozenset(CLICK_MESSAGES)


#: the command line's language, set by :func:`install`
_language: Callable[[], str] = catalogue.language


def click_gettext(message: str) -> str:
    return catalogue.gettext(message, _language()) if message in _KNOWN else message


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return click_gettext(singular if n == 1 else plural)


def install(language: Callable[[], str]) -> None:
    """Point click's ``_`` and ``ngettext`` at the catalogue, in ``language()`` (idempotent)."""
    import importlib

    global _language
    _language = language
    for name in ("core", "types", "exceptions", "parser", "decorators", "formatting", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext
