"""The org-chart import page and its template workbook (views on ``admin_base.bp``).

The upload is checked row by row first; with any problem nothing is written
and every problem is listed (sheet, row, column, reason).  Otherwise the
whole file is applied in one transaction.  "Check only" applies it and rolls
back, so the page tells exactly what an import would create and change.
"""
from __future__ import annotations

import io

from flask import render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from inventory.web.admin.base import bp
from inventory.web.admin.forms import ImportForm
from inventory.web.admin.org_import import import_tables
from inventory.web.admin.import_read import (
    DEPARTMENT_COLUMNS,
    STAFF_COLUMNS,
    USER_COLUMNS,
    ImportFileError,
    read_tables,
)
from inventory.web.extensions import get_session

MAX_IMPORT_BYTES = 5 * 1024 * 1024
TEMPLATE_NOTES = (
    ("組織シート: 1 行に 1 組織。組織コードと組織名は必須。上位組織コード・後継組織コードは"
     "このファイルか登録済みの組織コード。日付は 2026-04-01 または 令和8年4月1日。"),
    "組織改編: 旧組織の行に有効終了日と後継組織コードを書き、新組織の行を足す（削除はしない）。",
    ("ユーザーシート: ユーザー名は必須で英数字と . _ @ - のみ。役割は 担当者・所属長・"
     "情報システム担当課・個人情報保護担当課・管理者。担当者と所属長には組織コードが必要。"),
    "有効: 1（有効）または 0（無効）。空欄の列・ない列は変更しない。同じファイルを再度取り込んでも変化しない。",
    ("職員シート: 1 行に 1 人（ログインしない職員も）。職員番号と氏名は必須。職員番号は英数字と . _ - のみで、"
     "先頭の 0 が消えないよう文字列のセルに書く。カナはカタカナ（ひらがなも可）。所属コードはこのファイルか"
     "登録済みの組織コード。"),
    ("在職: 1（在職）または 0（退職等）。職員は削除されない: 退職・転出した人は 0 にする"
     "（その人が担当のアプリは名前を表示したまま、担当の見直し対象になる）。"),
    "CSV の場合は 1 ファイルに 1 表（組織・ユーザー・職員のいずれか）。文字コードは UTF-8 または Shift_JIS。",
)


@bp.route("/import", methods=("GET", "POST"))
def import_org_chart():
    """Upload departments, users and staff (xlsx or csv): all rows are checked, then all or nothing is written."""
    form = ImportForm()
    context = {"form": form, "issues": None, "report": None, "file_error": None, "ignored": []}
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        session = get_session()
        try:
            if len(data) > MAX_IMPORT_BYTES:
                raise ImportFileError(_("The file is larger than 5 MB."))
            tables = read_tables(upload.filename or "", data)
            report = import_tables(session, tables, current_user)
        except ImportFileError as exc:
            session.rollback()
            context["file_error"], status = exc.reason, 400
        else:
            context["ignored"] = [(t.source, h) for t in tables for h in t.ignored]
            if report.issues or form.check_only.data:
                session.rollback()
            else:
                session.commit()
            context.update(issues=report.issues, report=report, checked_only=form.check_only.data)
            status = 400 if report.issues else 200
    elif form.errors:
        status = 400
    columns = ((_("Departments sheet (組織)"), DEPARTMENT_COLUMNS), (_("Users sheet (ユーザー)"), USER_COLUMNS),
               (_("Staff sheet (職員)"), STAFF_COLUMNS))
    return render_template("admin/import.html", columns=columns, **context), status


@bp.route("/import/template.xlsx")
def import_template():
    """The import template: a 組織, a ユーザー and a 職員 sheet with their headers, and notes."""
    from openpyxl import Workbook

    book = Workbook()
    departments = book.active
    departments.title = "組織"
    departments.append([names[0] for names in DEPARTMENT_COLUMNS.values()])
    users = book.create_sheet("ユーザー")
    users.append([names[0] for names in USER_COLUMNS.values()])
    staff = book.create_sheet("職員")
    staff.append([names[0] for names in STAFF_COLUMNS.values()])
    for column in staff.iter_cols(min_col=1, max_col=1, min_row=2, max_row=2000):
        for cell in column:
            cell.number_format = "@"          # 職員番号 as text: leading zeros stay
    notes = book.create_sheet("説明")
    for line in TEMPLATE_NOTES:
        notes.append([line])
    for sheet in (departments, users, staff):
        for column in sheet.iter_cols(min_row=1, max_row=1):
            sheet.column_dimensions[column[0].column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(buffer, download_name="org_chart_template.xlsx", as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
