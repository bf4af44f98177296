#!/usr/bin/env python3
"""gen_srtp_corpus.py - writes the seed inputs of the SRTP fuzz target
(tests/fuzz/fuzz_srtp.c) into the folder given as argument:

    python3 tests/fuzz/gen_srtp_corpus.py tests/fuzz/corpus/srtp

The "valid-*" seeds are SRTP/SRTCP packets protected here, independently of
server/srtp*.c (Python's `cryptography` for AES, `hmac` for HMAC-SHA1),
with the fuzz target's fixed keys (tests/fuzz/fuzz_srtp_keys.h): RFC 3711
key derivation (kdr 0), RFC 3711 AES-CM + HMAC-SHA1-80 and RFC 7714
AEAD_AES_128_GCM, first packet of each SSRC (ROC 0), SRTCP index 1. Their
payload starts with MARK, which tests/unit/test_srtp_interop.c checks after
unprotecting each with both implementations. The "plain-*" seeds feed the
protect paths, the others the parsers' error paths and the script mode."""
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY = b"Switchboard fuzz"  # SB_FUZZ_SRTP_KEY
SALT = b"seed salt 14by"  # SB_FUZZ_SRTP_SALT (GCM: first 12 bytes)
MARK = b"Switchboard SRTP seed "


def ctr(key, iv, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def kdf(salt, label, n):
    x = bytearray(salt.ljust(14, b"\0"))
    x[7] ^= label
    return ctr(KEY, bytes(x) + b"\0\0", bytes(n))


def session(gcm):
    salt = SALT[:12] if gcm else SALT
    slen = 12 if gcm else 14
    return {
        "rtp": (kdf(salt, 0, 16), kdf(salt, 1, 20), kdf(salt, 2, 14)[:slen]),
        "rtcp": (kdf(salt, 3, 16), kdf(salt, 4, 20), kdf(salt, 5, 14)[:slen]),
    }


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def rtp_header(seq, ssrc, csrcs=(), ext=None, marker=False):
    b0 = 0x80 | len(csrcs) | (0x10 if ext is not None else 0)
    h = struct.pack(">BBHII", b0, (0x80 if marker else 0) | 111, seq, seq * 960, ssrc)
    h += b"".join(struct.pack(">I", c) for c in csrcs)
    if ext is not None:
        assert len(ext) % 4 == 0
        h += struct.pack(">HH", 0xBEDE, len(ext) // 4) + ext
    return h


def protect_rtp(gcm, header, payload, roc=0):
    key, auth, salt = session(gcm)["rtp"]
    ssrc = header[8:12]
    seq = struct.unpack(">H", header[2:4])[0]
    if gcm:  # RFC 7714 8.1: 00 00 | SSRC | ROC | SEQ, XOR salt; AAD = header
        iv = xor(b"\0\0" + ssrc + struct.pack(">IH", roc, seq), salt)
        return header + AESGCM(key).encrypt(iv, payload, header)
    # RFC 3711 4.1.1 and 4.2: salt*2^16 ^ SSRC*2^64 ^ index*2^16; HMAC(.. || ROC)
    index = (roc << 16) | seq
    iv = xor(salt + b"\0\0", b"\0" * 4 + ssrc + index.to_bytes(6, "big") + b"\0\0")
    pkt = header + ctr(key, iv, payload)
    return pkt + hmac.new(auth, pkt + struct.pack(">I", roc), hashlib.sha1).digest()[:10]


def protect_rtcp(gcm, packet, index=1, encrypt=True):
    key, auth, salt = session(gcm)["rtcp"]
    head, body, ssrc = packet[:8], packet[8:], packet[4:8]
    trailer = struct.pack(">I", (0x80000000 if encrypt else 0) | index)
    if gcm:  # RFC 7714 9.1: 00 00 | SSRC | 00 00 | index; wire: .. | tag | E||index
        iv = xor(b"\0\0" + ssrc + b"\0\0" + struct.pack(">I", index), salt)
        if encrypt:
            return head + AESGCM(key).encrypt(iv, body, head + trailer) + trailer
        return packet + AESGCM(key).encrypt(iv, b"", packet + trailer) + trailer
    assert encrypt
    iv = xor(salt + b"\0\0", b"\0" * 4 + ssrc + index.to_bytes(6, "big") + b"\0\0")
    pkt = head + ctr(key, iv, body) + trailer
    return pkt + hmac.new(auth, pkt, hashlib.sha1).digest()[:10]


def sender_report(ssrc):
    """A sender report without report blocks (28 bytes)."""
    body = struct.pack(">IIIIII", ssrc, 0xE1A2B3C4, 0x11223344, 0x5566, 1234, 99999)
    return struct.pack(">BBH", 0x80, 200, (4 + len(body)) // 4 - 1) + body


def sdes_cname(ssrc, cname):
    """One SDES chunk with a CNAME, null-terminated and padded to 32 bits."""
    chunk = struct.pack(">IBB", ssrc, 1, len(cname)) + cname + b"\0"
    chunk += bytes(-len(chunk) % 4)
    return struct.pack(">BBH", 0x81, 202, len(chunk) // 4) + chunk


def payload(n):
    return (MARK * (n // len(MARK) + 1))[:n]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ext = bytes([0x10, 0xAB, 0x22, 0x01, 0x02, 0x03, 0, 0])  # two one-byte elements, padded
    seeds = {}
    for name, gcm in (("gcm", True), ("cm", False)):
        seeds[f"valid-{name}-rtp-basic"] = protect_rtp(gcm, rtp_header(1000, 0x11223344), payload(60))
        seeds[f"valid-{name}-rtp-csrc-ext"] = protect_rtp(
            gcm, rtp_header(65535, 0x55667788, (0xA1A2A3A4, 0xB1B2B3B4), ext, True), payload(33))
        seeds[f"valid-{name}-rtp-empty-payload"] = protect_rtp(gcm, rtp_header(7, 0x0A0B0C0D), b"")
        compound = sender_report(0x11223344) + sdes_cname(0x11223344, b"seedrt")
        seeds[f"valid-{name}-rtcp-sr"] = protect_rtcp(gcm, compound)
    seeds["valid-gcm-rtcp-unencrypted"] = protect_rtcp(True, sender_report(0x99887766), 5, False)
    seeds["plain-rtp-opus"] = rtp_header(4242, 0xCAFEBABE) + payload(80)
    seeds["plain-rtp-csrc-ext"] = rtp_header(1, 0x01020304, (7, 8, 9), ext) + payload(20)
    seeds["plain-rtcp-sr"] = sender_report(0xCAFEBABE)
    seeds["bad-rtp-csrc-overrun"] = bytes([0x8F, 111]) + bytes(20)
    seeds["bad-rtp-ext-overrun"] = bytes([0x90, 111, 0, 3]) + bytes(8) + b"\xbe\xde\xff\xff" + bytes(30)
    seeds["bad-short"] = bytes([0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    seeds["script-steps"] = bytes([0x12, 0x34]) + bytes(range(0, 256, 3)) + bytes([0x00] * 40 + [0x7F] * 40)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
