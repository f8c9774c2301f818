"""aws-chunked bodies: decode the framing, verify chunk signatures and checksum trailers.

Framing (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
sigv4-streaming-trailers.html; reference/aws-protocol-notes.md §1.3), after HTTP chunking
is undone by the server::

    hex(size)[;chunk-signature=<64 hex>]\\r\\n <size bytes> \\r\\n   ... repeated
    0[;chunk-signature=<64 hex>]\\r\\n
    [x-amz-checksum-<alg>:<base64>\\r\\n ...] [x-amz-trailer-signature:<64 hex>\\r\\n] \\r\\n

Signed producers (the AWS documentation, the Java and .NET SDKs) put an empty line right
after the zero chunk, before the trailers; botocore does not. Both are accepted, and so are
LF-only line ends in the trailer and a missing final empty line.

The decoder is a push parser fed whatever pieces the transport delivers: chunk data passes
through as slices of those pieces (no copy when a piece is all data), hashed in large
slices, so memory stays bounded by the longest header line whatever the chunk size.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from fogbank.auth.checksums import (
    Checksum,
    algorithm_of_header,
    decode_value,
    display_name,
    new_checksum,
)
from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.sigv4 import EMPTY_SHA256, signatures_equal, sigv4_signature
from fogbank.core.errors import AwsError
from fogbank.protocol.http import Body, WrappedBody

MAX_LINE = 4096  # a chunk header line: hex size + ";chunk-signature=" + 64 hex is ~90 bytes
MAX_TRAILER = 16 * 1024
MIN_SIGNED_CHUNK = 8192  # every signed chunk but the last (AWS docs)
_SIG_EXT = b"chunk-signature="
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
_TRAILER_SIGNATURE = "x-amz-trailer-signature"

_SIZE, _DATA, _DATA_CRLF, _TRAILER, _END = range(5)


@dataclass(frozen=True)
class ChunkSigning:
    """What chains the chunk signatures: from a verified SigV4 Authorization header."""

    key: bytes
    amz_date: str
    scope: str
    seed_signature: str


class ChunkDecoder:
    """Push parser for one aws-chunked body. ``feed`` pieces, then ``finish`` at the end."""

    def __init__(
        self,
        *,
        family: Family,
        signing: ChunkSigning | None,
        trailer_signed: bool = False,
        declared_trailers: tuple[str, ...] = (),
        decoded_length: int | None = None,
    ) -> None:
        self._family = family
        self._signing = signing
        self._trailer_signed = trailer_signed and signing is not None
        self._declared = tuple(t.lower() for t in declared_trailers)
        self._checksums: dict[str, Checksum] = {}
        for name in self._declared:
            alg = algorithm_of_header(name)
            if alg is None:
                raise auth_error(family, Failure.UNSUPPORTED_TRAILER)
            self._checksums[name] = new_checksum(alg)
        self._checksum_list = list(self._checksums.values())
        self._expected_length = decoded_length
        self._state = _SIZE
        self._line = bytearray()
        self._remaining = 0
        self._crlf_seen = 0
        self.decoded = 0
        self._chunk_hash: hashlib._Hash | None = None
        self._chunk_signature = ""
        self._previous = signing.seed_signature if signing is not None else ""
        self._chunks = 0
        self._last_size: int | None = None
        self._trailer_lines: list[bytes] = []
        self._trailer_size = 0
        self._skipped_blank = False
        self.trailers: dict[str, str] = {}

    # --- errors -------------------------------------------------------------------------

    def _fail(
        self, failure: Failure, *, detail: str = "", header: str = "", algorithm: str = ""
    ) -> AwsError:
        return auth_error(self._family, failure, detail=detail, header=header, algorithm=algorithm)

    def _malformed(self, detail: str) -> AwsError:
        return self._fail(Failure.MALFORMED_CHUNK, detail=detail)

    # --- feeding ------------------------------------------------------------------------

    def feed(self, piece: bytes) -> list[bytes]:
        """Decode one piece; returns the payload bytes it held (possibly none)."""
        out: list[bytes] = []
        n = len(piece)
        pos = 0
        view = memoryview(piece)
        while pos < n:
            state = self._state
            if state == _DATA:
                take = min(self._remaining, n - pos)
                # A piece that is all data passes through without a copy.
                segment = piece if take == n else bytes(view[pos : pos + take])
                self._consume(segment)
                out.append(segment)
                pos += take
                self._remaining -= take
                if self._remaining == 0:
                    self._end_data()
            elif state == _DATA_CRLF:
                while pos < n and self._crlf_seen < 2:
                    if piece[pos] != b"\r\n"[self._crlf_seen]:
                        raise self._malformed("chunk data is not followed by CRLF")
                    pos += 1
                    self._crlf_seen += 1
                if self._crlf_seen == 2:
                    self._state = _SIZE
            elif state in (_SIZE, _TRAILER):
                pos = self._take_line(piece, view, pos)
            else:  # _END: nothing but blank lines may follow
                if piece[pos:].strip(b"\r\n"):
                    raise self._malformed("data after the end of the trailer")
                pos = n
        return out

    def _take_line(self, piece: bytes, view: memoryview, pos: int) -> int:
        end = piece.find(b"\n", pos)
        stop = len(piece) if end < 0 else end
        limit = MAX_LINE if self._state == _SIZE else MAX_TRAILER
        if len(self._line) + stop - pos > limit:
            if self._state == _SIZE:
                raise self._malformed("chunk header line too long")
            raise self._fail(Failure.MALFORMED_TRAILER)
        self._line += view[pos:stop]
        if end < 0:
            return len(piece)
        line = bytes(self._line)
        self._line.clear()
        if line.endswith(b"\r"):
            line = line[:-1]
        if self._state == _SIZE:
            self._on_size_line(line)
        else:
            self._on_trailer_line(line)
        return end + 1

    def _consume(self, segment: bytes) -> None:
        if self._chunk_hash is not None:
            self._chunk_hash.update(segment)
        for checksum in self._checksum_list:
            checksum.update(segment)
        self.decoded += len(segment)

    def _on_size_line(self, line: bytes) -> None:
        size_part, _, extension = line.partition(b";")
        size_part = size_part.strip()
        if not size_part or len(size_part) > 16 or not _HEXDIGITS.issuperset(size_part):
            raise self._malformed("invalid chunk size")
        size = int(size_part, 16)
        if self._signing is not None:
            extension = extension.strip()
            if not extension.startswith(_SIG_EXT) or len(extension) != len(_SIG_EXT) + 64:
                raise self._malformed("missing or invalid chunk-signature")
            self._chunk_signature = extension[len(_SIG_EXT) :].decode("latin-1")
            if size and self._last_size is not None and self._last_size < MIN_SIGNED_CHUNK:
                raise auth_error(
                    self._family,
                    Failure.CHUNK_TOO_SMALL,
                    fields={"Chunk": self._chunks, "BadChunkSize": self._last_size},
                )
        expected = self._expected_length
        if expected is not None and self.decoded + size > expected:
            raise self._fail(Failure.DECODED_LENGTH_MISMATCH)
        if size == 0:
            if self._signing is not None:
                self._verify_chunk(EMPTY_SHA256)
            self._state = _TRAILER
            return
        self._chunks += 1
        self._last_size = size
        self._remaining = size
        self._state = _DATA
        if self._signing is not None:
            self._chunk_hash = hashlib.sha256()

    def _end_data(self) -> None:
        if self._chunk_hash is not None:
            self._verify_chunk(self._chunk_hash.hexdigest())
            self._chunk_hash = None
        self._crlf_seen = 0
        self._state = _DATA_CRLF

    def _verify_chunk(self, data_hash: str) -> None:
        signing = self._signing
        assert signing is not None
        string_to_sign = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{signing.amz_date}\n{signing.scope}\n"
            f"{self._previous}\n{EMPTY_SHA256}\n{data_hash}"
        )
        expected = sigv4_signature(signing.key, string_to_sign)
        if not signatures_equal(self._chunk_signature, expected):
            raise self._fail(Failure.BAD_SIGNATURE)
        self._previous = expected

    # --- trailers -----------------------------------------------------------------------

    def _on_trailer_line(self, line: bytes) -> None:
        if not line:
            if not self._trailer_lines and not self._skipped_blank and self._expects_trailer():
                self._skipped_blank = True  # the blank line signed producers put here
                return
            self._finish_trailers()
            self._state = _END
            return
        self._trailer_size += len(line)
        if self._trailer_size > MAX_TRAILER:
            raise self._fail(Failure.MALFORMED_TRAILER)
        self._trailer_lines.append(line)

    def _expects_trailer(self) -> bool:
        return bool(self._declared) or self._trailer_signed

    def finish(self) -> None:
        """At the end of the stream: everything must have arrived and every check passed."""
        if self._state == _TRAILER:
            if self._line:  # a last trailer line without its line end
                line = bytes(self._line).rstrip(b"\r")
                self._line.clear()
                self._on_trailer_line(line)
            if self._state == _TRAILER:
                self._finish_trailers()
                self._state = _END
        if self._state != _END:
            raise self._fail(Failure.INCOMPLETE_BODY)
        if self._expected_length is not None and self.decoded != self._expected_length:
            raise self._fail(Failure.DECODED_LENGTH_MISMATCH)

    def _finish_trailers(self) -> None:
        received: dict[str, str] = {}
        signature: str | None = None
        for raw in self._trailer_lines:
            text = raw.decode("latin-1")
            name, sep, value = text.partition(":")
            if not sep and text.lower().startswith(_TRAILER_SIGNATURE + "="):
                name, sep, value = text.partition("=")
            name, value = name.strip().lower(), value.strip()
            if not sep or not name or signature is not None or name in received:
                raise self._fail(Failure.MALFORMED_TRAILER)
            if name == _TRAILER_SIGNATURE:
                signature = value
            else:
                received[name] = value
        if self._trailer_signed:
            self._verify_trailer(received, signature)
        for name in self._declared:
            if name not in received:
                raise self._fail(Failure.MALFORMED_TRAILER)
        for name, value in received.items():
            checksum = self._checksums.get(name)
            if checksum is None:  # undeclared: it cannot have been computed
                raise self._fail(Failure.MALFORMED_TRAILER)
            algorithm = algorithm_of_header(name)
            assert algorithm is not None
            digest = decode_value(algorithm, value)
            if digest is None:
                raise self._fail(Failure.INVALID_CHECKSUM_VALUE, header=name)
            if digest != checksum.digest():
                raise self._fail(Failure.BAD_DIGEST, algorithm=display_name(algorithm))
        self.trailers = received

    def _verify_trailer(self, received: Mapping[str, str], signature: str | None) -> None:
        signing = self._signing
        assert signing is not None
        if signature is None:
            raise self._fail(Failure.BAD_SIGNATURE)
        canonical = "".join(f"{name}:{value}\n" for name, value in received.items())
        string_to_sign = (
            f"AWS4-HMAC-SHA256-TRAILER\n{signing.amz_date}\n{signing.scope}\n{self._previous}\n"
            f"{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
        )
        if not signatures_equal(signature, sigv4_signature(signing.key, string_to_sign)):
            raise self._fail(Failure.BAD_SIGNATURE)


class AwsChunkedBody(WrappedBody):
    """The decoded payload of an aws-chunked body, verified as it streams.

    Errors (bad chunk signature, truncation, checksum mismatch) are raised from the
    iteration, so the operation reading the body sees them before it commits anything.
    ``trailers`` holds the verified trailers once the stream is exhausted.
    """

    def __init__(self, inner: Body, decoder: ChunkDecoder, decoded_length: int | None) -> None:
        super().__init__(inner, length=decoded_length)
        self._decoder = decoder

    async def chunks(self) -> AsyncIterator[bytes]:
        decoder = self._decoder
        async for piece in self.inner:
            for segment in decoder.feed(piece):
                yield segment
        decoder.finish()
        self.trailers.update(decoder.trailers)
