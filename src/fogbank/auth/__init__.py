"""Authentication: who signed this request, verified before anything untrusted is parsed.

The server edge calls ``authenticator.Authenticator``; the RDS and S3 POST paths call
``rds_token.verify_rds_token`` and ``post_policy.verify_post_policy``; signing helpers are in
``sigv4``. (Nothing is re-exported here, so importing one piece doesn't import them all.)
"""
