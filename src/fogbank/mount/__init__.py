"""``fogbank mount``: the EFS client, speaking the FUSE kernel protocol on /dev/fuse and
the data-plane RPC protocol to the file system's mount target."""
