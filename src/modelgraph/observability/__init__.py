"""Operations: Prometheus metrics and one structured JSON log line per request."""
