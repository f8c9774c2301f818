"""Access control lists: grants, canned ACLs, request parsing, and what grants allow."""
