"""Connected applications: what a third-party service may read or write with the scopes
the person consented to (filled with the catalogue)."""
