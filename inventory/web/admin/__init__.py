"""Administration (admins only): departments, users, shares, mappings, API tokens, org-chart import."""
