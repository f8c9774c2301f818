"""Block checksums keep zlib's CRC-32 values: blocks stored before the switch to ISA-L
must still verify."""

from __future__ import annotations

import os
import zlib

from fogbank.services.efs.fs.checksum import block_checksum


def test_block_checksum_is_zlib_crc32() -> None:
    assert block_checksum(b"") == 0
    assert block_checksum(b"123456789") == 0xCBF43926  # the CRC-32 check value
    for size in (1, 15, 4096, 1 << 20):
        data = os.urandom(size)
        assert block_checksum(data) == zlib.crc32(data)
        assert block_checksum(memoryview(data)[1:]) == zlib.crc32(data[1:])
        assert block_checksum(bytearray(data)) == zlib.crc32(data)


def test_block_checksum_sees_one_flipped_bit() -> None:
    data = bytearray(os.urandom(1 << 20))
    before = block_checksum(data)
    data[12345] ^= 0x10
    assert block_checksum(data) != before
