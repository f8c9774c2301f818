"""S3 lifecycle: configuration rules (``rules``), when things fall due (``timing``), what a
key's versions need (``plan``), the due-time index (``schedule``) and the clock-driven
engine (``job``). Glacier restores complete and expire through the same engine."""
