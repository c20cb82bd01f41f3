"""Municipalities (tenants) and their staff memberships and roles."""
