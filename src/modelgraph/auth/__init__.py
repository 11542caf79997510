"""Authentication at the edge: OIDC bearer tokens, ModelGraph API tokens, and local mode."""
