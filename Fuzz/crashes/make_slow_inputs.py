#!/usr/bin/env python3
"""Writes the slow-input reproducers kept in this folder (see README.md here).

    python3 Fuzz/crashes/make_slow_inputs.py [SIZE_KIB]   # default 96

timeout-scanmessage-quadratic: mode 2 (decode FuzzEvent) of a message with k distinct field
numbers in descending order followed by m repeats of field 1. WireDecodingState.scanMessage
does a linear `firstIndex` over the fields found so far for every field whose number is not
larger than the largest seen, so decoding costs O(k * m + k^2): quadratic in the payload size.
"""
import os
import sys


def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def descending_fields(size: int) -> bytes:
    k = size // 8  # distinct numbers, about 4 bytes each: half the bytes
    body = bytearray()
    for number in range(k, 0, -1):
        body += varint(number << 3) + b"\x00"  # key (wire type 0), varint 0
    while len(body) + 2 <= size:
        body += b"\x08\x00"  # field 1 again: found only at the end of the list
    return bytes(body)


if __name__ == "__main__":
    kib = int(sys.argv[1]) if len(sys.argv) > 1 else 96
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "timeout-scanmessage-quadratic")
    with open(path, "wb") as f:
        f.write(b"\x02" + descending_fields(kib * 1024))
    print(f"wrote {path} ({kib} KiB payload)")
