"""Scanners: walk file shares, read candidate files, detect personal data and apps.

Knows nothing of the registry.  The output is the scan record
(``../shared/spec/scan-record.md``), one dict per file.
"""
