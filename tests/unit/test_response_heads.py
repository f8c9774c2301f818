"""HeadHolding: a response's head goes out with the write that follows it, bytes in order."""

from __future__ import annotations

import asyncio

from fogbank.server.heads import HeadHolding


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[bytes]] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append([bytes(data)])

    def writelines(self, list_of_data: object) -> None:
        self.calls.append([bytes(d) for d in list_of_data])  # type: ignore[attr-defined]

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 0


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n"


def test_head_and_body_in_one_call() -> None:
    async def main() -> list[list[bytes]]:
        inner = Recording()
        t = HeadHolding(inner, asyncio.get_running_loop())
        t.write(HEAD)
        assert inner.calls == [] and t.get_write_buffer_size() == len(HEAD)
        t.write(memoryview(b"body"))
        t.write(b"more")
        await asyncio.sleep(0)
        return inner.calls

    assert asyncio.run(main()) == [[HEAD, b"body"], [b"more"]]


def test_a_head_alone_goes_out_on_the_next_iteration() -> None:
    async def main() -> list[list[bytes]]:
        inner = Recording()
        t = HeadHolding(inner, asyncio.get_running_loop())
        t.write(HEAD)
        await asyncio.sleep(0)
        t.write(b"body")
        return inner.calls

    assert asyncio.run(main()) == [[HEAD], [b"body"]]


def test_close_and_writelines_send_what_is_held_first_abort_drops_it() -> None:
    async def main() -> tuple[list[list[bytes]], ...]:
        loop = asyncio.get_running_loop()
        one, two, three = Recording(), Recording(), Recording()
        a, b, c = HeadHolding(one, loop), HeadHolding(two, loop), HeadHolding(three, loop)
        a.write(HEAD)
        a.close()
        b.write(HEAD)
        b.writelines([b"x", b"y"])
        c.write(HEAD)
        c.abort()
        await asyncio.sleep(0)
        return one.calls, two.calls, three.calls

    closed, lines, aborted = asyncio.run(main())
    assert closed == [[HEAD]]
    assert lines == [[HEAD], [b"x", b"y"]]
    assert aborted == []


def test_other_writes_pass_straight_through() -> None:
    async def main() -> list[list[bytes]]:
        inner = Recording()
        t = HeadHolding(inner, asyncio.get_running_loop())
        t.write(b"chunk")
        t.write(bytearray(b"HTTP/ in a body that is not bytes"))
        return inner.calls

    assert asyncio.run(main()) == [[b"chunk"], [b"HTTP/ in a body that is not bytes"]]
