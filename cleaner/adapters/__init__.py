"""Adapters for data pipelines (Spark; optional extras)."""
