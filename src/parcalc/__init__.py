"""parcalc: administrative-procedure dossier statistics for Vietnam, from counts to rates and targets."""

__version__ = "0.1.0"
