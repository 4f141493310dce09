"""The human summary of a scan (``inventory scan --format table``), in the catalogue's language.

Texts and the labels of categories, kinds and statuses come from :mod:`inventory.catalogue`
(English msgids, Japanese by default), as in the web UI.
"""
from __future__ import annotations

from collections import Counter

from inventory import catalogue, details
from inventory.labels import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS
from inventory.scanning.progress import display_width, fit


def _pad(text: str, width: int, keep_end: bool) -> str:
    text = fit(text, width, keep_end)
    return text + " " * (width - display_width(text))


def _rows_table(header: tuple[str, ...], rows: list[tuple[str, ...]], limits: tuple[int, ...]) -> list[str]:
    widths = [min(limit, max([display_width(header[i])] + [display_width(r[i]) for r in rows]))
              for i, limit in enumerate(limits)]
    lines = ["  ".join(_pad(h, w, True) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    # paths keep their end (the file name), other columns their start
    lines += ["  ".join(_pad(c, w, i == 0) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
              for row in rows]
    return lines


def format_table(records: list[dict], lang: str | None = None) -> str:
    """A summary line, the files holding personal data, and the files that could not be read."""
    _ = catalogue.translator(lang)
    categories = catalogue.labels(CATEGORY_LABELS, lang)
    status = Counter(r["status"] for r in records)
    personal = [r for r in records if r["personal"]["present"]]
    lines = [_("%(files)s files inspected: %(personal)s with personal data (%(sensitive)s sensitive, "
               "%(my_number)s with My Numbers), %(encrypted)s encrypted, %(error)s unreadable, "
               "%(skipped)s skipped") % {
        "files": f"{len(records):,}", "personal": f"{len(personal):,}",
        "sensitive": f"{sum(r['personal']['sensitive'] for r in personal):,}",
        "my_number": f"{sum(r['personal']['my_number'] for r in personal):,}",
        "encrypted": f"{status['encrypted']:,}", "error": f"{status['error']:,}",
        "skipped": f"{status['skipped']:,}"}, ""]
    if personal:
        sensitive, my_number, hidden = _("Sensitive"), _("My Number"), _("Hidden")
        separator = _(", ")                     # between items of a list: "、" in Japanese
        rows = []
        for r in sorted(personal, key=lambda r: (r["root"], r["path"])):
            p = r["personal"]
            flags = [sensitive] * p["sensitive"] + [my_number] * p["my_number"]
            if any(risk["code"] == "hidden-personal-data" for risk in r["risks"]):
                flags.append(hidden)
            cats = separator.join(categories.get(c, c) for c in p["categories"])
            rows.append((r["path"], catalogue.label(KIND_LABELS, r["kind"], lang), f"{p['records']:,}",
                         cats, " ".join(flags)))
        header = (_("Path"), _("Kind"), _("Records"), _("Personal-data categories"), _("Flags"))
        lines += _rows_table(header, rows, (60, 12, 9, 48, 24))
    else:
        lines.append(_("No file with personal data was found."))
    problems = [r for r in records if r["status"] != "ok"]
    if problems:
        lines += ["", _("Files that could not be inspected:")]
        rows = [(r["path"], catalogue.label(STATUS_LABELS, r["status"], lang),
                 details.render_error(r["error"], r["status"], lang))
                for r in sorted(problems, key=lambda r: (r["root"], r["path"]))]
        lines += _rows_table(("", "", ""), rows, (60, 12, 60))[2:]
    return "\n".join(lines)
