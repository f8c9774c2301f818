"""KMS: keys that really encrypt, sign and MAC, with their material sealed under a root key.

The engine (everything below the API) is organised as:

- ``models``: frozen domain objects and the KMS enumerations;
- ``specs``: which key usages and algorithms go with which key spec;
- ``crypto/``: the pure cryptography (ciphertext blob format, RSA, ECDSA, HMAC, generation);
- ``rootkey`` and ``keyring``: the installation's root key and the sealing of key material;
- ``store/``: the SQL (migration component ``kms``);
- ``ops/``: the operations, one module per resource area, as the API handlers call them;
- ``jobs``: the clock-driven job that rotates keys and destroys deleted keys' material;
- ``client``: the in-process client other services (S3, EFS, RDS) use.
"""
