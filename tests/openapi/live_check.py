#!/usr/bin/env python3
"""docs/openapi.yaml against a real 4-node consortium of fapiaod processes: the
README's sale flow (vendor, payment, invoice by claim, QR, document, proof,
verify, reimbursement marks, red-letter form, async write, node routes) and a
few refusals; every answer's status and content type must be documented for
its operation and its JSON body must validate against the documented schema.
  live_check.py <fapiaod> <docs/openapi.yaml>
Exit 77 (skipped) without python3-yaml or python3-jsonschema."""
import json, os, shutil, subprocess, sys, tempfile, time, urllib.error, urllib.request
try:
    import jsonschema, yaml
except ImportError:
    print('skipped: python3-yaml and python3-jsonschema are needed'); sys.exit(77)

F, DOC = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(DOC))
C = tempfile.mkdtemp(prefix='fapiao-openapi-')
# Ports from the PID keep concurrent test processes apart (below the cluster tests' range).
API = 13000 + (os.getpid() % 400) * 10
subprocess.run([F, 'init', '--members', '4', '--dir', C, '--api-base-port', str(API),
                '--p2p-base-port', str(API + 4)], check=True, capture_output=True)
pids = []
def call(i,method,path,body=None,tok=None,headers={}):
    h={'content-type':'application/json'} if body is not None else {}
    if tok: h['authorization']='Bearer '+tok
    h.update(headers)
    req=urllib.request.Request(f'http://127.0.0.1:{API+i}{path}',data=None if body is None else json.dumps(body).encode(),method=method,headers=h)
    try:
        r=urllib.request.urlopen(req,timeout=20); return r.status,r.headers.get('content-type'),r.read()
    except urllib.error.HTTPError as e: return e.code,e.headers.get('content-type'),e.read()
errors=0
RESOLVER = jsonschema.RefResolver('', doc)
def check(opath,method,status,ctype,body,where):
    global errors
    op=doc['paths'][opath][method.lower()]
    resp=op['responses'].get(str(status))
    if resp is None: print('UNDOCUMENTED STATUS',status,where,body[:200]); errors+=1; return
    if '$ref' in resp: resp=doc['components']['responses'][resp['$ref'].split('/')[-1]]
    ct=ctype.split(';')[0].strip()
    media=[k for k in resp.get('content',{}) if k.split(';')[0].strip()==ct]
    if not media: print('UNDOCUMENTED CONTENT TYPE',ctype,status,where); errors+=1; return
    sch=resp['content'][media[0]]['schema']
    if 'json' in ct:
        inst=json.loads(body)
        try: jsonschema.Draft4Validator(sch,resolver=RESOLVER).validate(inst)
        except jsonschema.ValidationError as e: print('SCHEMA MISMATCH',where,status,e.message,list(e.absolute_path)); errors+=1; return
    print('ok',status,where)
def do(i,method,opath,path,body=None,tok=None,headers={}):
    s,ct,b=call(i,method,path,body,tok,headers); check(opath,method,s,ct,b,f'{method} {path}'); return s,b
try:
    for i in range(4):
        p=subprocess.Popen([F,'run','--config',f'{C}/node{i}/node.toml'],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); pids.append(p)
    def key(i,role,scope): return subprocess.run([F,'keys','add','--config',f'{C}/node{i}/node.toml','--role',role,'--scope',scope],capture_output=True,text=True,check=True).stdout.strip()
    OP=key(0,'market_operator','puer-simao'); VEN=key(0,'vendor','v-1'); PAY=key(1,'payment_provider','1'); TAX=key(2,'tax_officer','o-7'); ORG=key(3,'reimbursing_org','3')
    # wait ready
    for _ in range(100):
        try:
            if all(call(i,'GET','/readyz')[0]==200 for i in range(4)): break
        except Exception: pass
        time.sleep(0.2)
    do(0,'GET','/v1/status','/v1/status'); do(0,'GET','/healthz','/healthz'); do(0,'GET','/readyz','/readyz'); do(0,'GET','/openapi.json','/openapi.json'); do(0,'GET','/metrics','/metrics')
    do(0,'POST','/v1/vendors','/v1/vendors',{"vendor_id":"v-1","name":"Auntie","market":"puer-simao","stall":"A-12","taxpayer_id":{"kind":"uscc","value":"92530800MA6N0K3X27"},"taxpayer_type":"small_scale","defaults":[{"item_class":"vegetables","treatment":{"treatment":"exempt","policy_code":"VEG-RETAIL"}}]},OP)
    do(0,'POST','/v1/vendors','/v1/vendors',{"vendor_id":"v-1","colour":1},OP)
    do(0,'POST','/v1/vendors','/v1/vendors',{"vendor_id":"v-1"})
    do(0,'GET','/v1/vendors/{id}','/v1/vendors/v-1',None,VEN)
    do(0,'GET','/v1/vendors/{id}','/v1/vendors/nope',None,TAX)
    do(0,'PATCH','/v1/vendors/{id}','/v1/vendors/v-1',{"stall":"A-13"},OP)
    do(0,'GET','/v1/vendors/{id}/qr.svg','/v1/vendors/v-1/qr.svg')
    do(0,'GET','/buyer/vendors/{id}','/buyer/vendors/v-1')
    s,b=do(1,'POST','/v1/payments','/v1/payments',{"vendor_id":"v-1","amount_fen":1250,"paid_at":"2026-11-21T09:59:00+08:00","reference":"R-0001","items":[{"name":"tomatoes","amount_fen":1250}]},PAY)
    TOKEN=json.loads(b)['claim_token']
    do(1,'POST','/v1/payments','/v1/payments',{"vendor_id":"v-1","amount_fen":"1250","paid_at":"2026-11-21T09:59:00+08:00","reference":"R-0001","items":[{"name":"tomatoes","amount_fen":1250}]},PAY)
    do(2,'GET','/v1/payments/{provider}/{reference}','/v1/payments/1/R-0001',None,TAX)
    for _ in range(100):  # the payment executes on the operator's node a moment later
        if call(0,'GET',f'/buyer/claim?provider=1&ref=R-0001&token={TOKEN}')[0]==200: break
        time.sleep(0.1)
    do(0,'GET','/buyer/claim',f'/buyer/claim?provider=1&ref=R-0001&token={TOKEN}')
    s,b=do(0,'POST','/v1/invoices','/v1/invoices',{"claim":{"provider":1,"reference":"R-0001","token":TOKEN},"title":{"type":"individual","name":"Zhang San"}},None,{'Idempotency-Key':'k1'})
    R=json.loads(b); N=R['invoice']['number']; SECRET=R['buyer']['auth_secret']
    do(0,'POST','/v1/invoices','/v1/invoices',{"claim":{"provider":1,"reference":"R-0001","token":TOKEN},"title":{"type":"individual","name":"Zhang San"}},None,{'Idempotency-Key':'k1'})
    CL=f'provider=1&ref=R-0001&token={TOKEN}'
    do(0,'GET','/v1/invoices/{number}',f'/v1/invoices/{N}?{CL}')
    do(0,'GET','/v1/invoices/{number}',f'/v1/invoices/{N}')
    do(0,'GET','/v1/invoices/{number}/qr.svg',f'/v1/invoices/{N}/qr.svg?{CL}')
    do(2,'GET','/v1/invoices/{number}/qr.svg',f'/v1/invoices/{N}/qr.svg',None,TAX)
    do(0,'GET','/v1/invoices/{number}/document',f'/v1/invoices/{N}/document?{CL}')
    s,proof=do(0,'GET','/v1/invoices/{number}/proof',f'/v1/invoices/{N}/proof?{CL}')
    do(2,'POST','/v1/verify','/v1/verify',{"proof":json.loads(proof)})
    do(2,'POST','/v1/verify','/v1/verify',{"qr":"FPV1:garbage"})
    do(2,'POST','/v1/verify','/v1/verify',{})
    do(3,'POST','/v1/reimbursements','/v1/reimbursements',{"action":"lock","invoice_number":N},ORG)
    do(3,'GET','/v1/reimbursements/{number}',f'/v1/reimbursements/{N}',None,ORG)
    do(0,'POST','/v1/red-letter-forms','/v1/red-letter-forms',{"invoice_number":N,"reason":"return","full":True},VEN)
    do(3,'POST','/v1/reimbursements','/v1/reimbursements',{"marks":[{"action":"unlock","invoice_number":N}]},ORG)
    s,b=do(0,'POST','/v1/red-letter-forms','/v1/red-letter-forms',{"invoice_number":N,"reason":"return","full":True},VEN)
    FORM=json.loads(b)['form']['form_id']
    do(0,'GET','/v1/red-letter-forms/{id}',f'/v1/red-letter-forms/{FORM}?{CL}')
    do(0,'POST','/v1/red-letter-forms/{id}/confirm',f'/v1/red-letter-forms/{FORM}/confirm',{"buyer":{"auth_secret":SECRET}})
    s,b=do(0,'POST','/v1/vendors','/v1/vendors',{"vendor_id":"v-2","name":"B","market":"puer-simao","stall":"A-2","taxpayer_id":{"kind":"uscc","value":"92530800MA6N0K3X27"},"taxpayer_type":"small_scale"},OP,{'Prefer':'respond-async'})
    if s==202:
        op=json.loads(b)['id']; time.sleep(1); do(0,'GET','/v1/operations/{id}',f'/v1/operations/{op}')
    do(0,'GET','/v1/operations/{id}','/v1/operations/nope')
    s,b=do(1,'POST','/v1/transactions','/v1/transactions',{"kind":999999,"payload_hex":"zz"})
    do(1,'GET','/v1/transactions/{id}','/v1/transactions/'+'0'*64)
    do(1,'GET','/v1/blocks/{height}','/v1/blocks/1'); do(1,'GET','/v1/blocks/{height}','/v1/blocks/x')
finally:
    for p in pids:
        p.terminate()
    for p in pids:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(C, ignore_errors=True)
print('errors', errors)
sys.exit(1 if errors else 0)
