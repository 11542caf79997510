"""Plain types, enums and errors of the registry. No I/O here."""
