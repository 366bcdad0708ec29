"""Synthetic population of children under 6, calibrated on published figures (issue 7)."""
