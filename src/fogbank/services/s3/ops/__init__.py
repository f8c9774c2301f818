"""S3 operation handlers, by resource area."""
