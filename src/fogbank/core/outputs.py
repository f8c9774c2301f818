"""Output members that are not in any service model, read by the protocol serializers.

An operation's output is the model's output members; a few responses also need what the
model cannot say: S3's 206 for a ranged GetObject (the S3 model has no status member)
and headers such as CORS's ``Access-Control-Allow-Origin``.
"""

from __future__ import annotations

STATUS = "@status"  # int: the HTTP status, instead of the operation's modeled one
HEADERS = "@headers"  # list of (name, value): extra response headers
