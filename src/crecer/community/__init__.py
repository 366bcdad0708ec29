"""Community monitoring centers (CPVC), their monthly meetings and decisions, and the home
visits of community agents and social actors (issue 24)."""
