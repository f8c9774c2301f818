"""Authentication: who signed this request, verified before anything untrusted is parsed."""
