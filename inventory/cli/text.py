"""What the command line prints for a person, in the catalogue's language (Japanese by default).

Every text is an English msgid of :mod:`inventory.catalogue`: messages through :func:`_`,
and the help of commands and options as they are written (docstrings, ``help=``), which
:class:`Command` and :class:`Group` translate when help is shown.  The language is
``inventory --lang en`` (or a command's own ``--lang``), else ``$INVENTORY_LANG``, else
Japanese.  Machine output (JSON lines) is never translated.

The help texts are found for ``pybabel extract`` by :func:`extract` (babel.cfg): a
command's help is cut into msgids by :func:`help_msgids` (the prose before its first
``\\b`` block; after it, each paragraph, and a ``\\b`` block's heading such as
"Example:" while its lines, which are commands, stay as written).
"""
from __future__ import annotations

import ast
import inspect
import io
import re
import sys
import unicodedata

import click

from inventory import catalogue
from inventory.catalogue import N_
from inventory.cli import click_texts
from inventory.scanning.progress import display_width

#: where the language chosen on the command line is kept (``ctx.meta`` is shared by a
#: command and its sub-commands)
META_KEY = "inventory.lang"
#: click's own text in the help and the heading of the examples, translated here
CLICK_TEXTS = (N_("Show this message and exit."), N_("Example:"))


# ----- the language -----

def current_language(ctx: click.Context | None = None) -> str:
    """The language of this command line: ``--lang``, else ``$INVENTORY_LANG``, else Japanese."""
    ctx = ctx or click.get_current_context(silent=True)
    chosen = ctx.meta.get(META_KEY) if ctx is not None else None
    return catalogue.language(chosen)


def _(text: str) -> str:
    """``text`` (an English msgid) in the command line's language."""
    return catalogue.gettext(text, current_language())


def _remember_language(ctx: click.Context, _param, value) -> None:
    if value:
        ctx.meta[META_KEY] = value


def lang_option() -> click.Option:
    """``--lang ja|en``, which every command has: the language of what is printed, help
    included (eager, and also found after ``--help``)."""
    return click.Option(
        ["--lang"], type=click.Choice(catalogue.LANGUAGES), default=None, expose_value=False,
        is_eager=True, callback=_remember_language,
        help=N_("Language of what is printed: ja (Japanese) or en (English); default "
                "$INVENTORY_LANG, else ja."))


def _language_in_args(args: list[str], stop_at_command: bool) -> str | None:
    """A ``--lang`` among ``args`` (so that ``--help --lang en`` is English too)."""
    found = None
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(args):
            found = args[n + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
        elif stop_at_command and not arg.startswith("-") and (n == 0 or args[n - 1] != "--lang"):
            break
    return found if found in catalogue.LANGUAGES else None


def _error_language() -> str:
    """The language of click's own messages: the context's, else a ``--lang`` in ``sys.argv``
    (click prints a usage error after leaving the context)."""
    if click.get_current_context(silent=True) is not None:
        return current_language()
    return catalogue.language(_language_in_args(sys.argv[1:], stop_at_command=False))


click_texts.install(_error_language)


# ----- errors -----

class CliError(click.ClickException):
    """An error for a person: "エラー: ..." in the command line's language (exit status 1)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.lang = current_language()

    def show(self, file=None) -> None:
        click.echo(catalogue.gettext("Error: %(message)s", self.lang) % {"message": self.format_message()},
                   file=file, err=file is None)


class CliUsageError(click.UsageError):
    """A wrong use of a command (exit status 2): its usage, how to get help, and the message."""

    def __init__(self, message: str, ctx: click.Context | None = None):
        super().__init__(message, ctx or click.get_current_context(silent=True))
        self.lang = current_language(self.ctx)

    def show(self, file=None) -> None:
        if self.ctx is not None:
            hint = catalogue.gettext("Try '%(command)s --help' for help.", self.lang) % {
                "command": self.ctx.command_path}
            click.echo(f"{self.ctx.get_usage()}\n{hint}\n", file=file, err=file is None)
        click.echo(catalogue.gettext("Error: %(message)s", self.lang) % {"message": self.format_message()},
                   file=file, err=file is None)


# ----- help texts -----

def help_msgids(text: str) -> list[str]:
    """The msgids of a command's help (``inspect.cleandoc``-ed): see the module docstring."""
    return [piece for piece, translate in _help_pieces(text) if translate and piece]


def _help_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` as (piece, is a msgid) in order; joined with blank lines they give ``text``."""
    pieces: list[tuple[str, bool]] = []
    prose: list[str] = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b"):
            if prose:
                pieces.append(("\n\n".join(prose), True))
                prose = []
            pieces.append((paragraph, False))
        elif pieces:
            pieces.append((paragraph, True))
        else:
            prose.append(paragraph)
    if prose:
        pieces.append(("\n\n".join(prose), True))
    return pieces


def translate_help(text: str | None, lang: str) -> str:
    """A command's or an option's help in ``lang``."""
    if not text:
        return ""
    _t = catalogue.translator(lang)
    out = []
    for piece, translate in _help_pieces(inspect.cleandoc(text).partition("\f")[0]):
        if translate:
            out.append(_t(piece))
        else:                       # "\b\nExample:\n  inventory ...": the heading is a msgid
            marker, _nl, rest = piece.partition("\n")
            heading, _nl2, lines = rest.partition("\n")
            if heading.endswith(":") and not heading.startswith(" "):
                heading = _t(heading)
            out.append("\n".join([marker, heading] + ([lines] if lines else [])))
    return "\n\n".join(out)


def short_help(text: str | None, lang: str, limit: int) -> str:
    """The first sentence of a help text in ``lang``, cut to ``limit`` columns."""
    first = _first_sentence(_join_lines(translate_help(text, lang).split("\n\n")[0].splitlines()))
    if display_width(first) <= limit:
        return first
    out, used = "", 1
    for ch in first:
        used += display_width(ch)
        if used > limit:
            break
        out += ch
    return out.rstrip() + "…"


def _first_sentence(text: str) -> str:
    """Up to the first "。" or ". " outside brackets, without the full stop."""
    depth = 0
    for n, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch == "。" or ch == "." and text[n + 1:n + 2] in ("", " ")):
            return text[:n]
    return text.rstrip("。.")


def _translated_record(param: click.Parameter, ctx: click.Context, lang: str):
    """An option's (name, help) row with its help and click's [default: …] in ``lang``."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names, text = record
    _ = catalogue.translator(lang)
    if param.help and text.startswith(param.help):
        text = translate_help(param.help, lang) + text[len(param.help):]
    match = re.search(r"\s*\[([^\[\]]*)\]$", text)
    if match:
        extras = []
        for extra in match.group(1).split("; "):
            if extra.startswith("default: "):
                extra = _("default: %(value)s") % {"value": extra[len("default: "):]}
            elif extra == "required":
                extra = _("required")
            extras.append(extra)
        text = text[:match.start()] + ("  " if match.start() else "") + "[" + "; ".join(extras) + "]"
    return names, text


# ----- the help's layout: widths in terminal columns (a Japanese character takes two) -----

_NO_BREAK_BEFORE = set("、。，．・：；？！）」』】〕ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ,.)]:;?!")
_NO_BREAK_AFTER = set("（「『【〔([")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one: a space between words, none between Japanese lines."""
    out = ""
    for line in (line.strip() for line in lines):
        if out and line and not (_wide(out[-1]) or _wide(line[0])):
            out += " "
        out += line
    return out


def _units(text: str) -> list[str]:
    """``text`` cut where a line may break: after a space, and around Japanese characters
    (never before a closing mark or after an opening one)."""
    units: list[str] = []
    for ch in text:
        if not units:
            units.append(ch)
            continue
        last = units[-1]
        joined = (ch in _NO_BREAK_BEFORE or last[-1] in _NO_BREAK_AFTER
                  or not (_wide(ch) or _wide(last[-1]) or last[-1] == " "))
        if joined:
            units[-1] = last + ch
        else:
            units.append(ch)
    return units


def wrap(text: str, width: int) -> list[str]:
    """One paragraph's lines of at most ``width`` columns (a longer word stays whole)."""
    lines, line = [], ""
    for unit in _units(_join_lines(text.splitlines())):
        if line and display_width(line + unit.rstrip()) > width:
            lines.append(line.rstrip())
            line = unit.lstrip()
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def wrap_paragraphs(text: str, width: int) -> list[str]:
    """``text``'s paragraphs wrapped to ``width`` columns, a blank line between; a paragraph
    that starts with ``\\b`` keeps its lines."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        if out:
            out.append("")
        if paragraph.startswith("\b"):
            out += paragraph.split("\n")[1:]
        else:
            out += wrap(paragraph, width)
    return out


class HelpFormatter(click.HelpFormatter):
    """click's help layout with widths counted in terminal columns and Japanese lines broken
    between characters (click counts characters and breaks at spaces only)."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 11)
        self.write("".join(f"{indent}{line}\n" if line else "\n"
                           for line in wrap_paragraphs(text, width)))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _second in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_paragraphs(second, max(self.width - first_col - self.current_indent - 2, 10))
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class _Translated:
    """The parts of :class:`click.Command` that show help, in the command line's language;
    and the ``--lang`` option."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        found = _language_in_args(args, stop_at_command=isinstance(self, click.Group))
        if found:
            ctx.meta[META_KEY] = found
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        prefix = catalogue.gettext("Usage:", current_language(ctx)) + " "
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=prefix)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = translate_help(self.help, current_language(ctx))
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = current_language(ctx)
        rows = [row for param in self.get_params(ctx) if not isinstance(param, click.Argument)
                for row in [_translated_record(param, ctx, lang)] if row is not None]
        if rows:
            with formatter.section(catalogue.gettext("Options", lang)):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = current_language(ctx)
        commands = [(name, command) for name in self.list_commands(ctx)
                    for command in [self.get_command(ctx, name)] if command is not None and not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _c in commands)
            with formatter.section(catalogue.gettext("Commands", lang)):
                formatter.write_dl([(name, short_help(command.short_help or command.help, lang, limit))
                                    for name, command in commands])

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self.short_help or self.help, current_language(), limit)


class Command(_Translated, click.Command):
    """A command whose help is shown in the command line's language."""


class Group(_Translated, click.Group):
    """A group whose help is shown in the command line's language; its commands and
    sub-groups are of these classes too."""

    command_class = Command
    group_class = type


def command(*args, **kwargs):
    """``click.command`` making a :class:`Command`."""
    return click.command(*args, cls=kwargs.pop("cls", Command), **kwargs)


def group(*args, **kwargs):
    """``click.group`` making a :class:`Group`."""
    return click.group(*args, cls=kwargs.pop("cls", Group), **kwargs)


# ----- pybabel: the command line's msgids -----

_HELP_KEYWORDS = ("help", "short_help", "epilog")


def _is_command_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("command", "group")


def extract(fileobj, keywords, comment_tags, options):
    """A pybabel extraction method (babel.cfg) for ``inventory/cli/``: the gettext calls, as the
    ``python`` method finds them, and the help texts of commands and options."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source.decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        texts: list[str] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _is_command_decorator(d) for d in node.decorator_list):
            texts.append(ast.get_docstring(node) or "")
        elif isinstance(node, ast.Call):
            texts += [kw.value.value for kw in node.keywords if kw.arg in _HELP_KEYWORDS
                      and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)]
        for text in texts:
            for msgid in help_msgids(inspect.cleandoc(text).partition("\f")[0]):
                yield node.lineno, None, msgid, []
