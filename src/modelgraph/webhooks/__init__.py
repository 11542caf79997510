"""Webhooks: registration, Standard Webhooks signing, the SSRF guard and the delivery worker."""
