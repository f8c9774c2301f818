"""CloudTrail's tables: recorded events, trails, deliveries, digest chains, signing keys."""
