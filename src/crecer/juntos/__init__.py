"""JUNTOS conditional transfers: households, targeting, affiliation, cycles verified from the
services, payroll and appeals."""
