"""Pure cryptography for KMS: no I/O, no store, no clock."""
