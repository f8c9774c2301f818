"""The data plane inside a gateway: mount targets served by the process holding each
file system's lease, on addresses of their own on loopback."""
