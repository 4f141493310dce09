"""Scan a Windows file share without mounting it: ``smb://[user@]server[:port]/share[/path]`` roots.

A city's file servers are often out of reach of a mount (no root on the
scanning machine, a share per department, servers in another building), so
the scanner speaks SMB 2/3 itself through smbprotocol's ``smbclient``:

- the walk (:func:`walk_smb_root`) lists folders with ``smbclient.scandir``
  and applies the same rules as the local walk (``scanners/candidates.py``: kinds,
  Office lock files, snapshot folders, exclusions, cloud-sync folders),
  yielding the same :class:`~scanners.candidates.Candidate` objects: ``root`` is the
  share's URL without any user name, ``path`` is relative to it, ``abspath``
  is the file's own URL;
- reading (:class:`SmbReads`) copies each candidate's bytes into a private
  temporary file and runs the usual inspection on it, so every reader,
  detector and risk works unchanged and the sha256 is that of the real bytes.
  Each worker process copies into its own folder under one temporary folder
  of the scan, which the parent removes (with whatever a killed worker left);
- errors are data: a folder that cannot be listed is a warning, a file that
  cannot be copied (access denied, locked by another user, share gone) is a
  record with status ``error`` and a short reason; the next file is scanned.

Credentials never come from the URL: a password there is refused.  The user
is the URL's, else ``INVENTORY_SMB_USER``, else the credentials file's; the
password ``INVENTORY_SMB_PASSWORD`` or the credentials file
(``INVENTORY_SMB_CREDENTIALS``, ``username=`` / ``password=`` / ``domain=``
lines as mount.cifs reads them, readable by its owner only); the domain
``INVENTORY_SMB_DOMAIN`` or the file's.  Sessions are encrypted unless
``INVENTORY_SMB_ENCRYPT=0`` (the files hold personal data).  See docs/smb.md.

The package holds one concern per module: :mod:`.connection` (roots, credentials,
connections, what an SMB error means), :mod:`.walking` (the walk) and :mod:`.reads`
(copying a file to inspect it); every name is importable from ``scanners.smb``.
"""
from __future__ import annotations

from .connection import (CONNECT_TIMEOUT, COPY_CHUNK, DEFAULT_MAX_BYTES, DEFAULT_PORT, ENV_CREDENTIALS,
                         ENV_DOMAIN, ENV_ENCRYPT, ENV_MAX_BYTES, ENV_PASSWORD, ENV_USER, SCHEME,
                         STATUS_REASONS, SmbCredentials, SmbRoot, SmbRootError, as_oserror, client_kwargs,
                         credentials_for, describe, parse_smb_root, reachable_root, read_credentials_file,
                         status_name)
from .reads import SmbReads, too_large_reason, unread_record
from .walking import walk_smb_root

__all__ = [
    "CONNECT_TIMEOUT", "COPY_CHUNK", "DEFAULT_MAX_BYTES", "DEFAULT_PORT", "ENV_CREDENTIALS", "ENV_DOMAIN",
    "ENV_ENCRYPT", "ENV_MAX_BYTES", "ENV_PASSWORD", "ENV_USER", "SCHEME", "STATUS_REASONS", "SmbCredentials",
    "SmbRoot", "SmbRootError", "as_oserror", "client_kwargs", "credentials_for", "describe",
    "parse_smb_root", "reachable_root", "read_credentials_file", "status_name", "SmbReads",
    "too_large_reason", "unread_record", "walk_smb_root",
]
