"""The data file: decoding, TOML/JSON/sheet parsing, the schema, limits, thresholds, the Dataset."""
