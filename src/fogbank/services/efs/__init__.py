"""EFS: the control plane (API, later) and the data plane (``fs/`` and ``rpc/``)."""
