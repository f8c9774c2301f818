"""IAM: accounts' identities, their keys and policies."""
