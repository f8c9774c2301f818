"""CloudTrail operations, by resource area."""
