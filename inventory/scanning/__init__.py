"""Scanning from the registry's side: the one scan loop (:mod:`.loop`) and where records go
(:mod:`.sinks`), remote scanners (:mod:`.remote`), Celery partitions (:mod:`.distributed`),
the progress line and the summary table.  Uses :mod:`scanners` and :mod:`inventory.registry`."""
