"""Who may see what: roles, territorial scope, the access log of personal data, API tokens.

Every view, export and API endpoint asks :mod:`crecer.access.policy` for the children a user may
see; nothing else filters by territory.
"""
