"""CloudTrail: event history (LookupEvents), trails, log delivery and signed digests."""
