#!/usr/bin/env python3
"""docs/openapi.yaml against a real 4-node consortium of fapiaod processes.

Runs the README's sale flow (vendor, payment, invoice by claim, QR, document,
proof, verify, reimbursement marks, red-letter form, an asynchronous write, the
node routes) and some refusals. Every answer must have the expected status, its
status and content type must be documented for its operation, and a JSON body
must validate against the documented schema.
  live_check.py <fapiaod> <docs/openapi.yaml>
Exit 77 (skipped) without python3-yaml or python3-jsonschema.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings

try:
    import jsonschema
    import yaml
except ImportError:
    print("skipped: python3-yaml and python3-jsonschema are needed")
    sys.exit(77)

FAPIAOD, DOC_PATH = sys.argv[1], sys.argv[2]
DOC = yaml.safe_load(open(DOC_PATH, encoding="utf-8"))
warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: kept for Debian's jsonschema 4.10
RESOLVER = jsonschema.RefResolver("", DOC)
# Ports from the PID keep concurrent test processes apart (below the cluster tests' range).
API = 13000 + (os.getpid() % 400) * 10
errors = []


def call(member, method, path, body=None, token=None, headers=None):
    h = {"content-type": "application/json"} if body is not None else {}
    if token:
        h["authorization"] = "Bearer " + token
    h.update(headers or {})
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{API + member}{path}", data=data,
                                 method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


def documented(pattern, method, status, content_type, body):
    """The reason the answer is not as documented, or None."""
    op = DOC["paths"][pattern][method.lower()]
    response = op["responses"].get(str(status))
    if response is None:
        return f"status {status} is not documented"
    if "$ref" in response:
        response = DOC["components"]["responses"][response["$ref"].split("/")[-1]]
    media = content_type.split(";")[0].strip()
    known = [k for k in response.get("content", {}) if k.split(";")[0].strip() == media]
    if not known:
        return f"content type {content_type} is not documented for {status}"
    if "json" in media:
        schema = response["content"][known[0]]["schema"]
        try:
            jsonschema.Draft4Validator(schema, resolver=RESOLVER).validate(json.loads(body))
        except jsonschema.ValidationError as e:
            return f"schema: {e.message} at {list(e.absolute_path)}"
    return None


def do(member, method, pattern, path, expect, body=None, token=None, headers=None):
    status, content_type, answer = call(member, method, path, body, token, headers)
    where = f"{method} {path} (member {member})"
    why = documented(pattern, method, status, content_type, answer)
    if status != expect:
        why = f"answered {status}, expected {expect}: {answer[:300]!r}"
    if why:
        errors.append(f"{where}: {why}")
        print("FAIL", where, why)
    else:
        print("ok", status, where)
    return answer


def wait_mark(number, claim, mark):
    """Until the operator's node (member 0) has executed the block that set `mark`."""
    for _ in range(100):
        status, _, body = call(0, "GET", f"/v1/reimbursements/{number}?{claim}")
        if status == 200 and json.loads(body)["mark"] == mark:
            return
        time.sleep(0.1)


def flow(keys):
    op, ven, pay, tax, org = keys
    for path in ("/v1/status", "/healthz", "/readyz", "/openapi.json", "/metrics"):
        do(0, "GET", path, path, 200)
    vendor = {"vendor_id": "v-1", "name": "Auntie Li greens", "market": "puer-simao",
              "stall": "A-12", "taxpayer_id": {"kind": "uscc", "value": "92530800MA6N0K3X27"},
              "taxpayer_type": "small_scale",
              "defaults": [{"item_class": "vegetables",
                            "treatment": {"treatment": "exempt", "policy_code": "VEG-RETAIL"}}]}
    do(0, "POST", "/v1/vendors", "/v1/vendors", 201, vendor, op)
    do(0, "POST", "/v1/vendors", "/v1/vendors", 400, {"vendor_id": "v-1", "colour": 1}, op)
    do(0, "POST", "/v1/vendors", "/v1/vendors", 401, {"vendor_id": "v-1"})
    do(0, "POST", "/v1/vendors", "/v1/vendors", 409, vendor, op)
    do(0, "GET", "/v1/vendors/{id}", "/v1/vendors/v-1", 200, None, ven)
    do(0, "GET", "/v1/vendors/{id}", "/v1/vendors/nope", 404, None, op)
    do(0, "PATCH", "/v1/vendors/{id}", "/v1/vendors/v-1", 200, {"stall": "A-13"}, op)
    do(0, "GET", "/v1/vendors/{id}/qr.svg", "/v1/vendors/v-1/qr.svg", 200)
    do(0, "GET", "/buyer/vendors/{id}", "/buyer/vendors/v-1", 200)
    do(0, "GET", "/buyer/vendors/{id}", "/buyer/vendors/nope", 404)

    payment = {"vendor_id": "v-1", "amount_fen": 1250, "paid_at": "2026-11-21T09:59:00+08:00",
               "reference": "R-0001", "items": [{"name": "tomatoes", "amount_fen": 1250}]}
    token = json.loads(do(1, "POST", "/v1/payments", "/v1/payments", 201, payment, pay))
    token = token["claim_token"]
    do(1, "POST", "/v1/payments", "/v1/payments", 200, dict(payment, amount_fen="1250"), pay)
    do(1, "POST", "/v1/payments", "/v1/payments", 409, dict(payment, amount_fen=99), pay)
    do(2, "GET", "/v1/payments/{provider}/{reference}", "/v1/payments/1/R-0001", 200, None, tax)
    claim = f"provider=1&ref=R-0001&token={token}"
    for _ in range(100):  # the payment executes on the operator's node a moment later
        if call(0, "GET", f"/buyer/claim?{claim}")[0] == 200:
            break
        time.sleep(0.1)
    do(0, "GET", "/buyer/claim", f"/buyer/claim?{claim}", 200)
    do(0, "GET", "/buyer/claim", "/buyer/claim?provider=x", 400)

    issue = {"claim": {"provider": 1, "reference": "R-0001", "token": token},
             "title": {"type": "individual", "name": "Zhang San"}}
    idem = {"Idempotency-Key": "claim-R-0001"}
    issued = json.loads(do(0, "POST", "/v1/invoices", "/v1/invoices", 201, issue, None, idem))
    number, secret = issued["invoice"]["number"], issued["buyer"]["auth_secret"]
    do(0, "POST", "/v1/invoices", "/v1/invoices", 201, issue, None, idem)
    do(0, "POST", "/v1/invoices", "/v1/invoices", 401, {"title": issue["title"]})
    do(0, "GET", "/v1/invoices/{number}", f"/v1/invoices/{number}?{claim}", 200)
    do(0, "GET", "/v1/invoices/{number}", f"/v1/invoices/{number}", 401)
    do(0, "GET", "/v1/invoices/{number}", f"/v1/invoices/00000000000000000000?{claim}", 404)
    do(0, "GET", "/v1/invoices/{number}/qr.svg", f"/v1/invoices/{number}/qr.svg?{claim}", 200)
    do(2, "GET", "/v1/invoices/{number}/qr.svg", f"/v1/invoices/{number}/qr.svg", 421, None, tax)
    do(0, "GET", "/v1/invoices/{number}/document", f"/v1/invoices/{number}/document?{claim}", 200)
    proof = do(0, "GET", "/v1/invoices/{number}/proof", f"/v1/invoices/{number}/proof?{claim}", 200)
    do(2, "POST", "/v1/verify", "/v1/verify", 200, {"proof": json.loads(proof)})
    do(2, "POST", "/v1/verify", "/v1/verify", 200, {"qr": "FPV1:not-a-payload"})
    do(2, "POST", "/v1/verify", "/v1/verify", 422, {})

    for _ in range(100):  # the organisation's node (member 3) executes the invoice a moment later
        if call(3, "GET", f"/v1/invoices/{number}?{claim}")[0] == 200:
            break
        time.sleep(0.1)
    lock = {"action": "lock", "invoice_number": number}
    do(3, "POST", "/v1/reimbursements", "/v1/reimbursements", 200, lock, org)
    do(3, "POST", "/v1/reimbursements", "/v1/reimbursements", 409, lock, org)
    do(3, "GET", "/v1/reimbursements/{number}", f"/v1/reimbursements/{number}", 200, None, org)
    wait_mark(number, claim, "locked")
    red = {"invoice_number": number, "reason": "return", "full": True}
    do(0, "POST", "/v1/red-letter-forms", "/v1/red-letter-forms", 409, red, ven)
    unlock = {"marks": [{"action": "unlock", "invoice_number": number}]}
    do(3, "POST", "/v1/reimbursements", "/v1/reimbursements", 200, unlock, org)
    wait_mark(number, claim, "init")
    form = json.loads(do(0, "POST", "/v1/red-letter-forms", "/v1/red-letter-forms", 201, red, ven))
    form_id = form["form"]["form_id"]
    do(0, "GET", "/v1/red-letter-forms/{id}", f"/v1/red-letter-forms/{form_id}?{claim}", 200)
    do(0, "POST", "/v1/red-letter-forms/{id}/confirm", f"/v1/red-letter-forms/{form_id}/confirm",
       200, {"buyer": {"auth_secret": secret}})

    vendor2 = dict(vendor, vendor_id="v-2", stall="A-2")
    accepted = do(0, "POST", "/v1/vendors", "/v1/vendors", 202, vendor2, op,
                  {"Prefer": "respond-async"})
    operation = json.loads(accepted)["id"]
    do(0, "GET", "/v1/operations/{id}", f"/v1/operations/{operation}", 200)
    do(0, "GET", "/v1/operations/{id}", "/v1/operations/nope", 404)

    do(1, "POST", "/v1/transactions", "/v1/transactions", 422, {"kind": 0, "payload_hex": ""})
    do(1, "GET", "/v1/transactions/{id}", "/v1/transactions/" + "0" * 64, 404)
    do(1, "GET", "/v1/transactions/{id}", "/v1/transactions/xyz", 400)
    do(1, "GET", "/v1/blocks/{height}", "/v1/blocks/1", 200)
    do(1, "GET", "/v1/blocks/{height}", "/v1/blocks/x", 400)


def main():
    home = tempfile.mkdtemp(prefix="fapiao-openapi-")
    nodes = []
    try:
        subprocess.run([FAPIAOD, "init", "--members", "4", "--dir", home, "--api-base-port",
                        str(API), "--p2p-base-port", str(API + 4)], check=True,
                       capture_output=True)
        for i in range(4):
            nodes.append(subprocess.Popen([FAPIAOD, "run", "--config", f"{home}/node{i}/node.toml"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        def key(member, role, scope):
            return subprocess.run([FAPIAOD, "keys", "add", "--config",
                                   f"{home}/node{member}/node.toml", "--role", role, "--scope",
                                   scope], capture_output=True, text=True,
                                  check=True).stdout.strip()

        keys = (key(0, "market_operator", "puer-simao"), key(0, "vendor", "v-1"),
                key(1, "payment_provider", "1"), key(2, "tax_officer", "officer-7"),
                key(3, "reimbursing_org", "3"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if all(call(i, "GET", "/readyz")[0] == 200 for i in range(4)):
                    break
            except OSError:
                pass
            time.sleep(0.2)
        flow(keys)
    finally:
        for n in nodes:
            n.terminate()
        for n in nodes:
            try:
                n.wait(timeout=10)
            except subprocess.TimeoutExpired:
                n.kill()
        shutil.rmtree(home, ignore_errors=True)
    print(f"{len(errors)} answer(s) not as documented")
    for e in errors:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
