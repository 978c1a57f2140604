"""Rules: the registry of codes, the phrase engine and the generic heuristics."""
