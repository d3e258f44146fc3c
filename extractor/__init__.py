"""ACLED-style conflict events from news articles."""
