// The claim page's behaviour (GET /buyer/claim, api/merchant/buyer_page.cc):
// sends the buyer's title with the claim to POST /v1/invoices on this node and
// shows the invoice, its verification QR and the buyer's secret. Text is only
// ever set with textContent, never parsed as HTML.
'use strict';
(function () {
  const main = document.getElementById('claim');
  if (!main) return;
  const claim = {
    provider: Number(main.dataset.provider),
    reference: main.dataset.ref,
    token: main.dataset.token,
  };
  const query = 'provider=' + encodeURIComponent(claim.provider) +
    '&ref=' + encodeURIComponent(claim.reference) +
    '&token=' + encodeURIComponent(claim.token);
  const $ = (id) => document.getElementById(id);
  const form = $('title-form');
  const errorBox = $('error');
  const busy = $('busy');

  function yuan(fen) {
    const negative = fen < 0;
    const abs = Math.abs(fen);
    const cents = String(abs % 100).padStart(2, '0');
    return (negative ? '-' : '') + '¥' + Math.floor(abs / 100) + '.' + cents;
  }

  function date(yyyymmdd) {
    const d = String(yyyymmdd || '');
    return d.length === 8 ? d.slice(0, 4) + '-' + d.slice(4, 6) + '-' + d.slice(6) : d;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    errorBox.setAttribute('tabindex', '-1');
    errorBox.focus();
  }

  // problem+json -> one readable sentence (RFC 9457 detail, with the code for support).
  async function problemText(res) {
    try {
      const p = await res.json();
      if (p && p.detail) return p.detail + (p.code ? ' (' + p.code + ')' : '');
    } catch (e) { /* not JSON */ }
    return 'HTTP ' + res.status;
  }

  function showInvoice(inv) {
    $('inv-number').textContent = inv.number;
    $('inv-date').textContent = date(inv.date);
    $('inv-seller').textContent = inv.seller_name;
    $('inv-seller-id').textContent = inv.seller_taxpayer_id ? inv.seller_taxpayer_id.value : '';
    const buyer = inv.buyer || {};
    $('inv-buyer').textContent = buyer.name ||
      (buyer.type === 'individual' ? '个人 Individual' : '');
    const body = $('inv-lines');
    body.textContent = '';
    for (const line of inv.lines || []) {
      const tr = document.createElement('tr');
      const cells = [line.name, yuan(line.amount_fen), yuan(line.tax_fen)];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i > 0) td.className = 'num';
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    $('inv-total').textContent = yuan(inv.total_fen);
    $('inv-words').textContent = inv.total_words;
    const number = encodeURIComponent(inv.number);
    $('inv-qr').src = '/v1/invoices/' + number + '/qr.svg?' + query;
    $('inv-doc').href = '/v1/invoices/' + number + '/document?' + query;
    $('invoice').hidden = false;
    if (form) form.hidden = true;
  }

  function showSecret(inv, buyer, name) {
    const keep = { invoice: inv.number, auth_secret: buyer.auth_secret };
    if (buyer.name_salt) { keep.name_salt = buyer.name_salt; keep.name = name; }
    const text = JSON.stringify(keep, null, 2);
    $('secret-text').value = text;
    const link = $('secret-download');
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    link.download = 'fapiao-' + inv.number + '-buyer-secret.json';
    $('secret').hidden = false;
  }

  async function load(number) {
    const res = await fetch('/v1/invoices/' + encodeURIComponent(number) + '?' + query);
    if (!res.ok) return showError(await problemText(res));
    showInvoice((await res.json()).invoice);
  }

  const invoices = (main.dataset.invoices || '').split(' ').filter(Boolean);
  if (invoices.length > 0) {
    load(invoices[0]).catch((e) => showError(String(e)));
    return;
  }
  if (!form) return;

  const orgFields = $('org-fields');
  for (const radio of form.querySelectorAll('input[name=type]')) {
    radio.addEventListener('change', () => {
      orgFields.hidden = form.elements.type.value !== 'organisation';
    });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const type = form.elements.type.value;
    const name = $('title-name').value.trim();
    if (!name) return showError('请填写名称。 Please enter a name.');
    const title = { type: type, name: name };
    if (type === 'organisation') {
      const id = $('taxpayer-id').value.trim().toUpperCase();
      if (!id) return showError('请填写纳税人识别号。 Please enter the taxpayer id.');
      title.taxpayer_id = { kind: 'uscc', value: id };
    }
    const button = $('issue');
    button.disabled = true;
    busy.hidden = false;
    try {
      const res = await fetch('/v1/invoices', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ claim: claim, title: title }),
      });
      if (!res.ok) {
        showError(await problemText(res));
        return;
      }
      const answer = await res.json();
      showInvoice(answer.invoice);
      if (answer.buyer) showSecret(answer.invoice, answer.buyer, name);
    } catch (e) {
      showError(String(e));
    } finally {
      button.disabled = false;
      busy.hidden = true;
    }
  });
})();
