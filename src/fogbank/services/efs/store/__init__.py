"""SQL of the EFS control plane, one module per resource (functions over a ``Conn``)."""
