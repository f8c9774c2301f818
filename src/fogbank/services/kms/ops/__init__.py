"""KMS operations, by resource area, shaped as the API handlers call them."""
