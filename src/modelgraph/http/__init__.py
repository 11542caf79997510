"""HTTP edge policy shared by every face: middleware, typed error bodies, rate limits."""
