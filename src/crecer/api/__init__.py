"""The JSON API (django-ninja): territory (public) and children (token, scoped by the policy).

The OpenAPI schema is at ``/api/openapi.json`` and its documentation at ``/api/docs``.
"""
