"""Display labels of the registry's codes: the English msgid of each code, in one place
below every layer that shows them.

Codes the registry stores (categories, risk codes, statuses, roles ...) are
short English strings; people see these labels instead, translated by
whoever shows them: the web app through Flask-Babel
(:mod:`inventory.web.labels` makes each table lazy), everything else (the
command line, e-mail, Excel) through :func:`inventory.catalogue.label`.
The Japanese catalogue is ``inventory/translations``; :func:`N_` only marks a
msgid for ``pybabel extract`` (``-k N_``, see :mod:`inventory.catalogue`).
"""
from __future__ import annotations

from inventory.catalogue import N_
from inventory.details import error_class


CATEGORY_LABELS = {
    "name": N_("Name"), "name_kana": N_("Name (kana)"), "address": N_("Address"),
    "postal_code": N_("Postal code"), "phone": N_("Phone number"), "email": N_("Email address"),
    "birth_date": N_("Date of birth"), "age": N_("Age"), "gender": N_("Gender"),
    "my_number": N_("My Number"), "resident_id": N_("Resident ID"),
    "insurance_number": N_("Insurance or pension number"), "bank_account": N_("Bank account"),
    "income": N_("Income, salary or tax"), "school": N_("School or grade"),
    "family": N_("Household or relationship"), "health": N_("Health or disability"),
    "criminal_record": N_("Criminal record"), "creed_race": N_("Creed, race or social status"),
}

RISK_LABELS = {
    "hidden-personal-data": N_("Personal data hidden in sheets, rows or columns"),
    "encrypted": N_("Encrypted: contents not inspected"),
    "external-data-connection": N_("External data connection"),
    "external-link": N_("Links to other files or URLs"),
    "credentials-in-file": N_("Password or secret in the file"),
    "autoexec-macro": N_("Macro that runs on open"),
    "macro-network-access": N_("Macro that reaches the network"),
    "cloud-sync-folder": N_("In a cloud-sync folder"),
    "cloud-storage-link": N_("Link to cloud storage"),
    "remote-access-tool": N_("Remote-access tool"),
    "p2p-file-sharing": N_("P2P file sharing"),
    "external-upload-script": N_("Script that uploads files"),
    "duplicate-personal-data": N_("Copy of a file with personal data"),
}

STATUS_LABELS = {
    "ok": N_("Inspected"), "encrypted": N_("Encrypted"), "error": N_("Unreadable"),
    "skipped": N_("Skipped"), "removed": N_("Removed"),
}

LIFECYCLE_LABELS = {
    "discovered": N_("Discovered"), "reviewing": N_("Reviewing"), "classified": N_("Classified"),
    "migrating": N_("Migrating"), "retired": N_("Retired"), None: N_("Not triaged"),
}

GUIDELINE_LABELS = {
    "central": N_("Central management"), "department": N_("Department management"),
    "outsourced": N_("Outsourced"), "retire": N_("To retire"), "out_of_scope": N_("Out of scope"),
    None: N_("Not classified"),
}

COMPLEXITY_LABELS = {"High": N_("High"), "Medium": N_("Medium"), "Low": N_("Low"),
                     None: N_("Not rated")}

ROLE_LABELS = {
    "clerk": N_("Department clerk"), "dept_head": N_("Department head"),
    "it_division": N_("IT division"), "privacy_office": N_("Privacy office"),
    "admin": N_("Administrator"),
}

#: file kinds of the scan record that are not file extensions (extensions show as they are)
KIND_LABELS = {"executable": N_("Program"), "script": N_("Script"), "shortcut": N_("Shortcut"),
               "other": N_("Other")}

#: what a scan found changed about an asset (AssetChange.change)
CHANGE_LABELS = {"new": N_("Found"), "changed": N_("Content changed"), "moved": N_("Moved or renamed"),
                 "returned": N_("Found again"), "removed": N_("No longer found")}

#: a scan run's state (ScanRun.status)
RUN_STATUS_LABELS = {
    "running": N_("Running (or stopped without finishing)"), "finished": N_("Finished"),
    "partial": N_("Interrupted (partial: nothing marked removed)"), "failed": N_("Failed"),
}

#: the alert rules (inventory.registry.alerts.RULES)
ALERT_RULE_LABELS = {
    "cloud-sync-personal": N_("Personal data in a cloud-sync folder"),
    "remote-access-tool": N_("New remote-access tool"),
    "sensitive-file": N_("New file with sensitive personal data"),
    "my-number-app": N_("Business app holding My Numbers"),
}

#: asset fields people change (AuditEvent.field), as the history shows them
FIELD_LABELS = {
    "business_process": N_("Business process"), "guideline": N_("Guideline"),
    "lifecycle": N_("Triage stage"), "owner_id": N_("Owner"), "deputy_id": N_("Deputy"),
    "has_specification": N_("Specification"), "has_manual": N_("Manual"),
    "next_review": N_("Next review"), "triage_note": N_("Triage note"),
    "department_id": N_("Department"), "dismissed": N_("Dismissed"),
    "dismissed_reason": N_("Reason for dismissal"), "content_review": N_("Contents checked by a person"),
}


# --- files whose contents the scanner could not read (issue 18: nothing unread may look clean) ---

#: scan statuses of a file whose contents were not read: never "no personal data found"
UNREAD_STATUSES = ("encrypted", "error")

#: why a file could not be read, by class (:func:`unread_reason` classifies a record's error)
UNREAD_REASON_LABELS = {
    "encrypted": N_("encrypted or password-protected"),
    "corrupt": N_("the file is damaged or incomplete"),
    "too_large": N_("the file is too large or too complex to read"),
    "timeout": N_("reading the file took too long"),
    "unsupported": N_("a format the scanner cannot read"),
    "locked": N_("the file could not be opened (access rights or in use)"),
    "failed": N_("an error occurred while reading the file"),
}

#: the same, in a word or two (a list's status cell)
UNREAD_SHORT_LABELS = {
    "encrypted": N_("encrypted"), "corrupt": N_("damaged"), "too_large": N_("too large"),
    "timeout": N_("timed out"), "unsupported": N_("unsupported format"), "locked": N_("cannot open"),
    "failed": N_("read error"),
}

#: what the department should do, per class
UNREAD_ADVICE_LABELS = {
    "encrypted": N_("Ask the file's owner to remove the password (or to tell you what it holds), "
                    "then record below whether it holds personal data."),
    "default": N_("Open the file and check its contents (or ask its owner), then record below "
                  "whether it holds personal data."),
}

#: a person's decision on a file whose contents the scanner could not read (Asset.content_review)
CONTENT_REVIEW_LABELS = {
    "personal": N_("Contents checked: holds personal data"),
    "none": N_("Contents checked: no personal data"),
    None: N_("Contents not checked yet"),
}
CONTENT_REVIEW_SHORT_LABELS = {"personal": N_("Checked: personal data"), "none": N_("Checked: none")}

#: a class of :func:`inventory.details.error_class` (every reason the scanner gives, tested
#: against its sources) -> the class the unread-file pages speak of
_UNREAD_CLASS = {
    "access-denied": "locked", "in-use": "locked", "not-found": "locked", "network": "locked",
    "cannot-open": "locked", "encrypted-database": "encrypted", "encrypted": "encrypted",
    "timeout": "timeout", "too-large": "too_large", "no-reader": "unsupported",
    "wrong-format": "corrupt", "damaged": "corrupt", "crashed": "failed", "unknown": "failed",
}


def unread_reason(status: str | None, error: str | None) -> str | None:
    """The class of reason (a key of :data:`UNREAD_REASON_LABELS`) why a file with ``status``
    was not read; None for a file that was read (or skipped on purpose).  The scanner's
    reason is classified once, by :func:`inventory.details.error_class`."""
    if status == "encrypted":
        return "encrypted"
    if status != "error":
        return None
    return _UNREAD_CLASS.get(error_class(error, status), "failed")


# --- annual personal-data declarations (個人情報ファイル簿) (inventory/web/declarations/views.py) ---

#: where a department's declaration is (Declaration.status)
DECLARATION_STATUS_LABELS = {
    "draft": N_("Being drafted"), "submitted": N_("Awaiting the head's approval"),
    "reviewing": N_("Under review by the privacy office"), "returned": N_("Returned for correction"),
    "accepted": N_("Accepted"),
}

#: an item against last year's accepted declaration (DeclarationItem.change)
ITEM_CHANGE_LABELS = {"continued": N_("Continued"), "changed": N_("Changed"), "new": N_("New"),
                      "abolished": N_("Abolished")}

#: 電算処理 / マニュアル処理 (DeclarationItem.file_type)
FILE_TYPE_LABELS = {"electronic": N_("Computer-processed file"), "manual": N_("Manually processed file")}

#: Art. 74(2) of the Act: files not entered in the register (DeclarationItem.exemption)
EXEMPTION_LABELS = {
    "": N_("No exemption"),
    "1": N_("Art. 74(2)(i): national security, diplomacy and the like"),
    "2": N_("Art. 74(2)(ii): criminal investigations and prosecutions"),
    "3": N_("Art. 74(2)(iii): personnel, pay and welfare of staff"),
    "4": N_("Art. 74(2)(iv): experimental computer processing only"),
    "5": N_("Art. 74(2)(v): copies of a registered computer-processed file"),
    "6": N_("Art. 74(2)(vi): records erased within one year"),
    "7": N_("Art. 74(2)(vii): addresses for sending goods or money, or for business contact"),
    "8": N_("Art. 74(2)(viii): academic research by staff"),
    "9": N_("Art. 74(2)(ix): fewer people than the Cabinet Order sets"),
    "10": N_("Art. 74(2)(x): others set by Cabinet Order"),
}

#: where a department stands in a campaign (inventory.declarations.workflow.PROGRESS_STATES)
PROGRESS_LABELS = {
    "not_started": N_("Not started"), "drafting": N_("Drafting"),
    "awaiting_head": N_("Awaiting the head's approval"), "reviewing": N_("Under review"),
    "accepted": N_("Accepted"), "overdue": N_("Overdue"),
}

#: the workflow's buttons (inventory.declarations.workflow.TRANSITIONS)
DECLARATION_ACTION_LABELS = {
    "submit": N_("Submit to the department head"), "approve": N_("Approve and send to the privacy office"),
    "return_head": N_("Return to the clerks"), "accept": N_("Accept"),
    "return_office": N_("Return to the department"), "reopen": N_("Reopen for a change during the year"),
}

#: a declaration's history (DeclarationEvent.action)
DECLARATION_EVENT_LABELS = {
    "create": N_("Created"), "submit": N_("Submitted"), "approve": N_("Approved by the head"),
    "return_head": N_("Returned by the head"), "accept": N_("Accepted by the privacy office"),
    "return_office": N_("Returned by the privacy office"), "reopen": N_("Reopened"),
    "import": N_("Imported from Excel"), "remind": N_("Reminder sent"),
}


# --- the administration's audit log (inventory/web/admin/audit_log.py) ---

#: what an administrative change was made to (AuditEvent.object_type)
AUDIT_OBJECT_LABELS = {
    "department": N_("Department"), "app_user": N_("User"), "share": N_("Share"),
    "share_mapping": N_("Folder mapping"), "api_token": N_("API token"), "client_address": N_("Client address"),
}

#: the fields administrators change (AuditEvent.field of the objects above)
ADMIN_FIELD_LABELS = {
    "code": N_("Organisation code"), "name": N_("Name (of a department, share or token)"), "parent_id": N_("Parent department"),
    "head_id": N_("Department head"), "valid_from": N_("Valid from"), "valid_to": N_("Valid until"),
    "successor_id": N_("Successor department"), "username": N_("User name"),
    "display_name": N_("Display name"), "email": N_("Email address"), "role": N_("Role"),
    "department_id": N_("Department"), "active": N_("Active"), "password": N_("Password"),
    "sign_in": N_("Sign-in"), "root": N_("Root folder"), "description": N_("Description"),
    "exclusions": N_("Exclusions"), "schedule": N_("Schedule"), "share_id": N_("Share"),
    "prefix": N_("Folder"), "mappings_reapplied": N_("Mappings applied again to assets"),
    "valid_days": N_("Valid for (days)"), "expires_at": N_("Expires"), "revoked_at": N_("Revoked"),
    "rotated_at": N_("Rotated"), "staff_number": N_("Staff number"),
}

#: values some audited fields store as words
AUDIT_VALUE_LABELS = {"reset": N_("Reset"), "unlock": N_("Unlocked"), "True": N_("Yes"), "False": N_("No"),
                      "lock": N_("Locked"),
                      "failure": N_("Sign-in failed")}
