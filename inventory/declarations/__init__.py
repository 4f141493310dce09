"""The yearly declarations (個人情報ファイル簿): the workflow of campaigns and items, the item's
fields, Excel in and out, reconciliation with the scans and the reminders."""
