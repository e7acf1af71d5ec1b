"""Judge backends and the judge contract."""
