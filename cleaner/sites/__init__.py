"""Site rule files: their schema and loading, identifying a copy's site, applying its rules."""
