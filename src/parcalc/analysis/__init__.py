"""Analysis: each figures row checked and measured, and the roll-up over time, units and levels."""
