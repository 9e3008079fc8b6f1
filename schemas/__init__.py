"""Column map and vocabularies (CSV files beside this one) and the pandera row rules."""
