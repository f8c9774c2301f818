"""The EFS data plane: an authenticated RPC endpoint per mount target serving POSIX ops."""
