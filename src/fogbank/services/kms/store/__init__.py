"""KMS's SQL: statements written once, run through ``fogbank.storage.db.Conn``."""
