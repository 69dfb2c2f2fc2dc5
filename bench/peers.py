"""Peers of Kyso in the benchmark, driven through their own Python APIs (bench/run calls these).

    peers.py endesive-sign MODULE TOKEN PIN KEY_ID_HEX IN OUT
        One whole process, as a command-line tool built on endesive would be: load the module,
        log in, read the certificate, sign IN (endesive's CMS over the PyKCS11 session), write OUT.
    peers.py pyhanko-api MODULE TOKEN PIN CERT_LABEL RUNS IN OUT
        pyHanko's Python API in ONE process with ONE open PKCS#11 session: a warm-up signature,
        then RUNS signatures of IN timed one by one. Prints JSON {"times": [...], "maxrss_kb": N}.
    peers.py softhsm-rate MODULE TOKEN PIN KEY_LABEL COUNT
        The raw floor: COUNT RSA-2048 PKCS#1 v1.5 signatures of a 32-byte digest with one open
        session (python-pkcs11). Prints JSON {"per_second": R, "count": N, "seconds": S}.
"""

import json
import resource
import sys
import time


def endesive_sign(module, token, pin, key_id_hex, infile, outfile):
    import types

    # endesive.pdf imports its verifier, which imports certvalidator -> oscrypto, whose
    # libcrypto version regex fails on OpenSSL 3.0.10 and later ("3.0.19"). Signing never uses
    # the verifier, so an empty stand-in module lets the import through.
    sys.modules.setdefault("certvalidator", types.ModuleType("certvalidator"))
    import PyKCS11
    from endesive import hsm
    from endesive.pdf import cms

    key_id = bytes.fromhex(key_id_hex)

    class TokenSigner(hsm.HSM):
        """endesive's HSM hook over a logged-in PyKCS11 session."""

        def certificate(self):
            # endesive asks twice (a dry run sizes the signature): log in once.
            if self.session is None:
                self.login(token, pin)
            found = self.session.findObjects(
                [(PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE), (PyKCS11.CKA_ID, key_id)]
            )
            der = bytes(self.session.getAttributeValue(found[0], [PyKCS11.CKA_VALUE], True)[0])
            return key_id, der

        def sign(self, keyid, data, mech):
            key = self.session.findObjects(
                [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, keyid)]
            )[0]
            mechanism = PyKCS11.Mechanism(getattr(PyKCS11, f"CKM_{mech.upper()}_RSA_PKCS"), None)
            return bytes(self.session.sign(key, data, mechanism))

    signer = TokenSigner(module)
    with open(infile, "rb") as f:
        data = f.read()
    dct = {
        "sigflags": 3,
        "sigpage": 0,
        "sigfield": "Signature1",
        "auto_sigfield": True,
        "contact": "bench@kyso.invalid",
        "location": "Gia Lai",
        "signingdate": time.strftime("D:%Y%m%d%H%M%S+07'00'"),
        "reason": "benchmark",
    }
    signed = cms.sign(data, dct, None, None, [], "sha256", signer)
    with open(outfile, "wb") as f:
        f.write(data)
        f.write(signed)
    signer.logout()


def _pyhanko_session(module, token, pin):
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    return open_pkcs11_session(module, token_criteria=TokenCriteria(label=token), user_pin=pin)


def pyhanko_api(module, token, pin, cert_label, runs, infile, outfile):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.pkcs11 import PKCS11Signer

    session = _pyhanko_session(module, token, pin)
    signer = PKCS11Signer(session, cert_label=cert_label, key_label=cert_label)
    meta = signers.PdfSignatureMetadata(field_name="Signature1")

    def sign_once():
        with open(infile, "rb") as inf, open(outfile, "wb") as out:
            signers.sign_pdf(IncrementalPdfFileWriter(inf), meta, signer=signer, output=out)

    sign_once()  # warm-up: imports, certificate fetch, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sign_once()
        times.append(time.perf_counter() - start)
    session.close()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "maxrss_kb": maxrss}))


def softhsm_rate(module, token, pin, key_label, count):
    import pkcs11

    session = _pyhanko_session(module, token, pin)
    key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=key_label)
    digest_info = bytes(32)
    key.sign(digest_info, mechanism=pkcs11.Mechanism.RSA_PKCS)  # warm-up
    start = time.perf_counter()
    for _ in range(count):
        key.sign(digest_info, mechanism=pkcs11.Mechanism.RSA_PKCS)
    seconds = time.perf_counter() - start
    session.close()
    print(json.dumps({"per_second": count / seconds, "count": count, "seconds": seconds}))


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "endesive-sign":
        endesive_sign(*args)
    elif command == "pyhanko-api":
        module, token, pin, label, runs, infile, outfile = args
        pyhanko_api(module, token, pin, label, int(runs), infile, outfile)
    elif command == "softhsm-rate":
        module, token, pin, label, count = args
        softhsm_rate(module, token, pin, label, int(count))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
