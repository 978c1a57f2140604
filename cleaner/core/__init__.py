"""The cleaning core: decode and sniff, normalise, segment or extract HTML blocks, features and the
learned decision, the article, metadata, and the canonical output (pipeline.py runs them in order)."""
