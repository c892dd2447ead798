"""The core values: counts and their identities, periods, the metric registry, problems, formatting."""
