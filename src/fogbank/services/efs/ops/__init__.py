"""The EFS API operations, by resource area."""
