"""Targets: checking objectives, scoring and ranking, the shipped presets."""
