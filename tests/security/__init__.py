"""Adversarial tests, organised by promise (design §5 rules 1–10, second factor, audit, suppression):
each tries every door to the same promise — page, API, export, timeline, search, list paging,
partner link, observatory — including after consent revocation and expiry."""
