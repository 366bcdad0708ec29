from tests.analytics.population import population  # noqa: F401  (the shared fixture)
