"""A department's declaration as an Excel file: the export (anyone who may see the
declaration) and the import of the filled-in template (those who may edit it: the
department's clerks and heads while it is a draft or returned).

The import is all or nothing (``inventory.declarations.excel_import.import_declaration``):
every row and field is checked first and every problem is listed (row, column,
problem), translated here from the service's codes; with any problem, or a file that
is not this declaration's template, nothing is written.  Messages never repeat what
was typed in a cell.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inventory.declarations import excel_export, excel_import, excel_layout
from inventory.declarations import workflow as decl
from inventory.declarations.fields import FIELDS
from inventory.models import Declaration, DeclarationCampaign, Department
from inventory.web.extensions import get_session
from inventory.web.privacy.forms import DeclarationImportForm
from inventory.web.permissions import AREA_ROLES, require_roles

bp = Blueprint("declaration_files", __name__, url_prefix="/declarations")
bp.before_request(require_roles(*AREA_ROLES["declaration_files"])(lambda: None))

#: the import's problems (inventory.declarations.excel_import.ISSUE_MESSAGES, same Japanese)
ISSUE_TEXTS = {
    "required": _l("This field is required."),
    "too_long": _l("Use at most %(limit)s characters."),
    "not_count": _l("Enter a whole number of people (0 or more)."),
    "choice": _l("Enter one of the choices."),
    "not_bool": _l("Enter 有 (yes) or 無 (no)."),
    "unknown_category": _l("Entry %(number)s is not a recorded item of the list. Write other items in "
                           "“Recorded items (other)”."),
    "bad_change": _l("Enter 継続, 変更, 新規 or 廃止."),
    "bad_id": _l("The item ID is a number. Leave it empty to add a new item."),
    "unknown_id": _l("This item ID is not in this declaration. Leave it empty to add the row as a new item."),
    "duplicate_id": _l("The same item ID is also in row %(number)s."),
    "bad_version": _l("The version column cannot be read. Export the declaration again and edit the new file."),
    "stale": _l("Someone changed this item after the file was exported. Export the declaration again and "
                "edit the new file."),
    "abolish_new": _l("An item new this year cannot be abolished. Delete it on the declaration page instead."),
}
#: problems with the whole file (inventory.declarations.excel_import.FILE_MESSAGES, same Japanese)
FILE_TEXTS = {
    "too_large": _l("The file is too large (5 MB at most)."),
    "not_xlsx": _l("Choose an Excel workbook (.xlsx)."),
    "unreadable": _l("The file cannot be read as an Excel workbook."),
    "not_template": _l("This is not the declaration template. Use the Excel file exported from this "
                       "declaration’s page."),
    "other_declaration": _l("This file was exported from another declaration (another fiscal year or "
                            "department). Use the file exported from this declaration’s page."),
    "too_many_rows": _l("The file has too many rows (5,000 at most)."),
    "too_many_sheet_rows": _l("The file has too many rows (10,000 at most, blank rows included)."),
    "too_many_strings": _l("The file holds too many different texts (200,000 at most)."),
}
#: the template's own columns, in English
COLUMN_TEXTS = {excel_layout.ID_HEADER: _l("Item ID"),
                excel_layout.CHANGE_HEADER: _l("Change against last year"),
                excel_layout.VERSION_HEADER: _l("Version")}


def issue_text(issue: excel_import.ImportIssue) -> str:
    """An import problem in the UI language (the Japanese is the service's own wording)."""
    return str(ISSUE_TEXTS[issue.code]) % {"limit": issue.limit, "number": issue.number}


def column_text(header: str) -> str:
    """A column of the template as the UI language names it (the Act's wording in Japanese)."""
    if not header or str(get_locale()) == "ja":
        return header
    if header in COLUMN_TEXTS:
        return str(COLUMN_TEXTS[header])
    return next((f.en for f in FIELDS if f.ja == header), header)


def declaration_or_404(session, declaration_id: int) -> Declaration:
    """The declaration if the user may see it; 404 otherwise (its existence does not leak)."""
    found = session.get(Declaration, declaration_id)
    if found is None or not decl.may_see(session, current_user, found):
        abort(404)
    return found


def _describe(session, declaration: Declaration) -> tuple[DeclarationCampaign, Department]:
    return (session.get(DeclarationCampaign, declaration.campaign_id),
            session.get(Department, declaration.department_id))


@bp.route("/<int:declaration_id>/excel")
def export(declaration_id: int):
    """The declaration in the import template layout (.xlsx)."""
    session = get_session()
    declaration = declaration_or_404(session, declaration_id)
    campaign, department = _describe(session, declaration)
    data = excel_export.declaration_workbook(session, declaration)
    return send_file(io.BytesIO(data), mimetype=excel_export.XLSX_TYPE, as_attachment=True,
                     download_name=f"個人情報ファイル簿届出_{campaign.fiscal_year}_{department.code}.xlsx")


@bp.route("/<int:declaration_id>/import", methods=("GET", "POST"))
def import_form(declaration_id: int):
    """Upload the filled-in template: every problem listed, or every row applied."""
    session = get_session()
    declaration = declaration_or_404(session, declaration_id)
    if not decl.may_edit(session, current_user, declaration):
        abort(403)
    campaign, department = _describe(session, declaration)
    form = DeclarationImportForm()
    issues, file_error, status = [], None, 200
    if form.validate_on_submit():
        data = form.file.data.stream.read(excel_import.MAX_IMPORT_BYTES + 1)
        try:
            if len(data) > excel_import.MAX_IMPORT_BYTES:
                raise excel_import.TemplateError("too_large")
            result = excel_import.import_declaration(session, current_user, declaration, data)
        except excel_import.TemplateError as exc:
            session.rollback()
            file_error, status = str(FILE_TEXTS[exc.code]), 400
        except decl.DeclarationError:
            session.rollback()
            abort(403)
        else:
            if result.issues:
                session.rollback()
                issues, status = result.issues, 400
            else:
                session.commit()
                flash(_("Imported: %(created)s items added, %(updated)s changed, %(unchanged)s unchanged.",
                        created=result.created, updated=result.updated, unchanged=result.unchanged), "success")
                back = "declarations.show" if "declarations.show" in current_app.view_functions \
                    else "declaration_files.import_form"
                return redirect(url_for(back, declaration_id=declaration.id), 303)
    elif form.errors:
        status = 400
    return render_template("declaration_files/import.html", form=form, declaration=declaration,
                           campaign=campaign, department=department, issues=issues, file_error=file_error,
                           issue_text=issue_text, column_text=column_text,
                           back_url=url_for("declarations.show", declaration_id=declaration.id)
                           if "declarations.show" in current_app.view_functions else None), status
