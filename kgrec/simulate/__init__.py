"""Simulated users grounded in a data set, and policies evaluated on them (issue 18)."""
