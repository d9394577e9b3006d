"""Consent decisions and access grants.

The lifecycle (batches, opposition, activation, closure), the consent ledger and
the accompaniments of France services mediators arrive with their issues; the
models they need are declared here so that every choice is a row, never a boolean.
"""
