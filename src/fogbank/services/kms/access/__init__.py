"""Authorization of KMS calls: the requirements of each call, the key policy the
authorizer evaluates, and the grants that allow too."""
