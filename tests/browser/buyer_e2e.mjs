// The buyer's path in a real browser (run by run.sh against a live consortium):
// vendor page (from the stall QR) -> Pay (demo) on the payment provider's node ->
// claim page on the operator's node -> individual title -> the invoice and its QR.
// Phone viewport 360x640. Saves buyer-vendor.png, buyer-invoice.png (full page) and
// invoice-qr.png (the QR PNG fetched with the page's claim) into --artifacts and prints
// {"number": ...} on stdout. Any page error, CSP violation or failed check throws.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const { values: args } = parseArgs({
  options: { chromium: { type: 'string' }, url: { type: 'string' }, artifacts: { type: 'string' } },
});

function check(ok, what) {
  if (!ok) throw new Error('check failed: ' + what);
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
         '--disable-background-networking', '--disable-extensions', '--no-first-run'],
});
const problems = [];
try {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(r.status() + ' ' + r.url()); });
  page.setDefaultTimeout(15000);

  const vendorOrigin = new URL(args.url).origin;
  await page.goto(args.url);
  check((await page.textContent('#vendor-name')).includes('Auntie Li'), 'vendor name shown');
  check(await page.getByLabel('Amount (yuan)').isVisible(), 'amount input has a label');
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= 360);
  check(await fits(), 'vendor page fits 360 px');
  await page.screenshot({ path: join(args.artifacts, 'buyer-vendor.png'), fullPage: true });

  await page.getByLabel('Amount (yuan)').fill('12.50');
  await Promise.all([page.waitForURL(/\/buyer\/claim\?/), page.click('#pay')]);
  const claimUrl = new URL(page.url());
  check(claimUrl.origin === vendorOrigin, 'the claim page is on the operator node: ' + page.url());
  check((await page.textContent('#pay-amount')).includes('12.50'), 'paid amount shown');

  await page.getByLabel('Individual').check();
  await page.getByLabel('Name').fill('张三');
  await page.click('#issue');
  await page.waitForSelector('#invoice:not([hidden])');
  const number = (await page.textContent('#inv-number')).trim();
  check(/^\d{20}$/.test(number), 'a 20-digit invoice number: ' + number);
  check((await page.textContent('#inv-total')).includes('12.50'), 'total shown');
  check((await page.textContent('#inv-words')).length > 0, 'total in words shown');
  await page.waitForFunction(() => {
    const img = document.getElementById('inv-qr');
    return img.complete && img.naturalWidth > 0;
  });
  check((await page.inputValue('#secret-text')).includes('auth_secret'), 'buyer secret shown');
  check(await fits(), 'invoice page fits 360 px');
  const shot = join(args.artifacts, 'buyer-invoice.png');
  await page.screenshot({ path: shot, fullPage: true });

  // The PNG twin of the QR the page shows, fetched with the same claim.
  const svgSrc = await page.getAttribute('#inv-qr', 'src');
  check(svgSrc.startsWith('/v1/invoices/' + number + '/qr.svg?'), 'QR src: ' + svgSrc);
  const png = await page.request.get(new URL(svgSrc.replace('/qr.svg?', '/qr.png?'), page.url()).href);
  check(png.ok(), 'invoice QR PNG: HTTP ' + png.status());
  writeFileSync(join(args.artifacts, 'invoice-qr.png'), await png.body());

  // A second visit of the claim link shows the issued invoice instead of the form.
  await page.reload();
  await page.waitForSelector('#invoice:not([hidden])');
  check((await page.textContent('#inv-number')).trim() === number, 'reload shows the invoice');
  check(await page.locator('#title-form').count() === 0, 'no title form once issued');

  check(problems.length === 0, 'no page problems: ' + problems.join('; '));
  process.stdout.write(JSON.stringify({ number, screenshot: shot }) + '\n');
} finally {
  await browser.close();
}
