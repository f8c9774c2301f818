"""S3's SQL: functions of a ``Conn``, run inside the caller's transaction."""
