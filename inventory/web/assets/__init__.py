"""The assets area: the list with filters and export, and one asset's page."""
