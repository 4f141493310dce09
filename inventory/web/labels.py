"""Display labels of the registry's codes (English msgids, translated by Babel).

Codes the registry stores (categories, risk codes, statuses, roles ...) are
short English strings; the UI shows these labels instead.  :func:`label`
falls back to the code itself for a code added after this table.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .i18n import translate_lazy

CATEGORY_LABELS = {
    "name": _l("Name"), "name_kana": _l("Name (kana)"), "address": _l("Address"),
    "postal_code": _l("Postal code"), "phone": _l("Phone number"), "email": _l("Email address"),
    "birth_date": _l("Date of birth"), "age": _l("Age"), "gender": _l("Gender"),
    "my_number": _l("My Number"), "resident_id": _l("Resident ID"),
    "insurance_number": _l("Insurance or pension number"), "bank_account": _l("Bank account"),
    "income": _l("Income, salary or tax"), "school": _l("School or grade"),
    "family": _l("Household or relationship"), "health": _l("Health or disability"),
    "criminal_record": _l("Criminal record"), "creed_race": _l("Creed, race or social status"),
}

RISK_LABELS = {
    "hidden-personal-data": _l("Personal data hidden in sheets, rows or columns"),
    "encrypted": _l("Encrypted: contents not inspected"),
    "external-data-connection": _l("External data connection"),
    "external-link": _l("Links to other files or URLs"),
    "credentials-in-file": _l("Password or secret in the file"),
    "autoexec-macro": _l("Macro that runs on open"),
    "macro-network-access": _l("Macro that reaches the network"),
    "cloud-sync-folder": _l("In a cloud-sync folder"),
    "cloud-storage-link": _l("Link to cloud storage"),
    "remote-access-tool": _l("Remote-access tool"),
    "p2p-file-sharing": _l("P2P file sharing"),
    "external-upload-script": _l("Script that uploads files"),
    "duplicate-personal-data": _l("Copy of a file with personal data"),
}

STATUS_LABELS = {
    "ok": _l("Inspected"), "encrypted": _l("Encrypted"), "error": _l("Unreadable"),
    "skipped": _l("Skipped"), "removed": _l("Removed"),
}

LIFECYCLE_LABELS = {
    "discovered": _l("Discovered"), "reviewing": _l("Reviewing"), "classified": _l("Classified"),
    "migrating": _l("Migrating"), "retired": _l("Retired"), None: _l("Not triaged"),
}

GUIDELINE_LABELS = {
    "central": _l("Central management"), "department": _l("Department management"),
    "outsourced": _l("Outsourced"), "retire": _l("To retire"), "out_of_scope": _l("Out of scope"),
    None: _l("Not classified"),
}

COMPLEXITY_LABELS = {"High": _l("High"), "Medium": _l("Medium"), "Low": _l("Low"),
                     None: _l("Not rated")}

ROLE_LABELS = {
    "clerk": _l("Department clerk"), "dept_head": _l("Department head"),
    "it_division": _l("IT division"), "privacy_office": _l("Privacy office"),
    "admin": _l("Administrator"),
}

#: file kinds of the scan record that are not file extensions (extensions show as they are)
KIND_LABELS = {"executable": _l("Program"), "script": _l("Script"), "shortcut": _l("Shortcut"),
               "other": _l("Other")}

#: what a scan found changed about an asset (AssetChange.change)
CHANGE_LABELS = {"new": _l("Found"), "changed": _l("Content changed"), "moved": _l("Moved or renamed"),
                 "returned": _l("Found again"), "removed": _l("No longer found")}

#: asset fields people change (AuditEvent.field), as the history shows them
FIELD_LABELS = {
    "business_process": _l("Business process"), "guideline": _l("Guideline"),
    "lifecycle": _l("Triage stage"), "owner_id": _l("Owner"), "deputy_id": _l("Deputy"),
    "has_specification": _l("Specification"), "has_manual": _l("Manual"),
    "next_review": _l("Next review"), "triage_note": _l("Triage note"),
    "department_id": _l("Department"), "dismissed": _l("Dismissed"),
    "dismissed_reason": _l("Reason for dismissal"),
}


def label(labels: dict, code) -> str:
    """The translated label of ``code`` in ``labels``; the code itself when it has none."""
    found = labels.get(code)
    if found is None:
        return str(code)
    return found if type(found) is str else translate_lazy(found)


_TRANSLATED: dict = {}


def translated(tables: dict) -> dict:
    """``tables`` (name -> {code: lazy text}, a module's constant) with every text in the
    request's language: made once per language and process, so that a page of 50 rows does
    not translate 300 cells one by one.  Callers must not change the result."""
    key = (id(tables), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not tables:
        found = _TRANSLATED[key] = (tables, {
            name: {code: str(text) for code, text in table.items()} for name, table in tables.items()})
    return found[1]

# --- annual personal-data declarations (個人情報ファイル簿): inventory/web/declarations.py ---

#: where a department's declaration is (Declaration.status)
DECLARATION_STATUS_LABELS = {
    "draft": _l("Being drafted"), "submitted": _l("Awaiting the head's approval"),
    "reviewing": _l("Under review by the privacy office"), "returned": _l("Returned for correction"),
    "accepted": _l("Accepted"),
}

#: an item against last year's accepted declaration (DeclarationItem.change)
ITEM_CHANGE_LABELS = {"continued": _l("Continued"), "changed": _l("Changed"), "new": _l("New"),
                      "abolished": _l("Abolished")}

#: 電算処理 / マニュアル処理 (DeclarationItem.file_type)
FILE_TYPE_LABELS = {"electronic": _l("Computer-processed file"), "manual": _l("Manually processed file")}

#: Art. 74(2) of the Act: files not entered in the register (DeclarationItem.exemption)
EXEMPTION_LABELS = {
    "": _l("No exemption"),
    "1": _l("Art. 74(2)(i): national security, diplomacy and the like"),
    "2": _l("Art. 74(2)(ii): criminal investigations and prosecutions"),
    "3": _l("Art. 74(2)(iii): personnel, pay and welfare of staff"),
    "4": _l("Art. 74(2)(iv): experimental computer processing only"),
    "5": _l("Art. 74(2)(v): copies of a registered computer-processed file"),
    "6": _l("Art. 74(2)(vi): records erased within one year"),
    "7": _l("Art. 74(2)(vii): addresses for sending goods or money, or for business contact"),
    "8": _l("Art. 74(2)(viii): academic research by staff"),
    "9": _l("Art. 74(2)(ix): fewer people than the Cabinet Order sets"),
    "10": _l("Art. 74(2)(x): others set by Cabinet Order"),
}

#: the workflow's buttons (inventory.declarations.TRANSITIONS)
DECLARATION_ACTION_LABELS = {
    "submit": _l("Submit to the department head"), "approve": _l("Approve and send to the privacy office"),
    "return_head": _l("Return to the clerks"), "accept": _l("Accept"),
    "return_office": _l("Return to the department"), "reopen": _l("Reopen for a change during the year"),
}

#: a declaration's history (DeclarationEvent.action)
DECLARATION_EVENT_LABELS = {
    "create": _l("Created"), "submit": _l("Submitted"), "approve": _l("Approved by the head"),
    "return_head": _l("Returned by the head"), "accept": _l("Accepted by the privacy office"),
    "return_office": _l("Returned by the privacy office"), "reopen": _l("Reopened"),
    "import": _l("Imported from Excel"), "remind": _l("Reminder sent"),
}
