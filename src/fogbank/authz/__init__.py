"""Authorization: IAM policy evaluation (pure) and the per-service permission tables."""
