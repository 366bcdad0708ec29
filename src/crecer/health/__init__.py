"""Services a child receives: HIS-coded attentions (CRED, vaccines, iron, Hb tests…), growth
measurements and hemoglobin values — the events the analytics refresh turns into status."""
