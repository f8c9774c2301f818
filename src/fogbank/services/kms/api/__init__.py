"""The KMS API: thin handlers from request parameters to the engine's operations."""
