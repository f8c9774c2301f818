"""IAM's SQL, one module per area; every function takes a ``Conn`` inside a transaction."""
