"""IT triage: the queue, one asset's triage, bulk assignment."""
