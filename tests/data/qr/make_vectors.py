#!/usr/bin/env python3
"""Writes vectors.json: the invoice QR test vectors of docs/qr.md, computed by
this independent implementation (Python `cryptography` for Ed25519)."""
import hashlib
import json
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# RFC 8032 section 7.1, TEST 1 secret key (the seed).
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
DOMAIN = b"fapiao/qr-verify/v1\x00"
DOC_DOMAIN = b"fapiao/invoice-doc/v1\x00"


def b45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [ALPHABET[n % 45], ALPHABET[n // 45 % 45], ALPHABET[n // 2025]]
    if len(data) % 2:
        n = data[-1]
        out += [ALPHABET[n % 45], ALPHABET[n // 45]]
    return "".join(out)


def short(b):
    assert len(b) < 256
    return bytes([len(b)]) + b


def yuan(fen):
    sign = "-" if fen < 0 else ""
    return "%s%d.%02d" % (sign, abs(fen) // 100, abs(fen) % 100)


def national(v):
    head = "01,%s,%s,%s,%s,%s,%s," % (v["type"], v["code"], v["number"], yuan(v["pre_tax_fen"]),
                                     v["date"], v["check_code"])
    return head + hashlib.sha256(head.encode()).hexdigest()[:4].upper()


def verification(v, key):
    doc = hashlib.sha256(DOC_DOMAIN + bytes.fromhex(v["invoice_record_hex"])).digest()
    body = (bytes([1, v["suite"]]) + struct.pack(">I", v["member"]) +
            short(v["invoice_number"].encode()) + short(v["date"].encode()) +
            short(v["seller_id"].encode()) + struct.pack(">q", v["total_fen"]) + doc)
    signing = DOMAIN + short(v["chain_id"].encode()) + body
    sig = key.sign(signing)
    payload = body + short(sig)
    return dict(v, document_hash_hex=doc.hex(), body_hex=body.hex(), signing_bytes_hex=signing.hex(),
                signature_hex=sig.hex(), payload_hex=payload.hex(), text="FPV1:" + b45(payload))


def main():
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    base = dict(chain_id="fapiao-local", suite=1, member=0, date="20251121",
                seller_id="91530800MA6N1XQ84T")
    verif = [
        dict(base, name="blue", invoice_number="25531000000000000042", total_fen=12345,
             invoice_record_hex=b"blue invoice record".hex()),
        dict(base, name="red", member=4, invoice_number="25531000000000000043", total_fen=-12345,
             invoice_record_hex=b"red invoice record".hex()),
        dict(base, name="large", chain_id="puer-market-chain", member=258, date="20240229",
             seller_id="530102197001011234", invoice_number="99531999999999999999",
             total_fen=9223372036854775807, invoice_record_hex=""),
    ]
    nat = [
        dict(name="blue", type="32", code="", number="25531000000000000042", pre_tax_fen=11651,
             date="20251121", check_code="01234567890123456789"),
        dict(name="red", type="32", code="", number="25531000000000000043", pre_tax_fen=-11651,
             date="20251121", check_code="98765432109876543210"),
        dict(name="cents", type="32", code="", number="25531000000000000044", pre_tax_fen=5,
             date="20251231", check_code=""),
    ]
    out = {
        "about": "Invoice QR test vectors (docs/qr.md); written by make_vectors.py",
        "ed25519_seed_hex": SEED.hex(),
        "ed25519_public_hex": key.public_key().public_bytes_raw().hex(),
        "verification": [verification(v, key) for v in verif],
        "national": [dict(v, text=national(v)) for v in nat],
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
