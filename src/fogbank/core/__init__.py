"""Pure building blocks with no I/O: errors, ids, ARNs, principals, the clock."""
