"""IAM operations, one module per resource area; each handler takes the engine first."""
