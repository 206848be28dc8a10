// The intake-to-technician browser journey, run against a live demo server.
//
//   DURABLE_URL=http://127.0.0.1:8080 node journey.mjs     (or: bash tests/e2e/run.sh)
//
// intake logs in (after one wrong password), creates a patient with Medicare coverage and two
// diagnoses, finds them by search, opens the chart and checks the Insurance and Diagnoses tabs;
// enters a CPAP order with no signature and no sleep study, sees both reasons (live while typing,
// then on the held order), records eligibility, has a mislabelled file refused, uploads the signed
// order, the sleep study and the evaluation, marks them, and the order turns Ready; then tech logs in and must see the home address but neither the coverage (payer, member id,
// MBI) nor the diagnoses, on any of the three tab URLs. Last, the inventory part: admin orders
// three concentrators, tech receives them by serial, reserves one, sees a dirty unit refused and
// prints a label (inventoryJourney below).
//
// Plain Node (no test runner): each step prints as it passes; the first failure prints what
// went wrong, saves test-results/failure.png (and the page's HTML) and exits non-zero.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'test-results');
const BASE = (process.env.DURABLE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = process.env.DURABLE_DEMO_PASSWORD || 'durable-demo';
const STEP_TIMEOUT = 15_000;

// --- test data, unique per run ------------------------------------------------------------

/** Letters only: search keys drop digits, so a name with a timestamp would not be unique. */
function randomLetters(n) {
  const abc = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[Math.floor(Math.random() * abc.length)];
  return s;
}

/** A random MBI in the CMS shape C A AN N A AN N A A N N (letters other than S L O I B Z). */
function randomMbi() {
  const letters = 'ACDEFGHJKMNPQRTUVWXY';
  const digits = '0123456789';
  const pick = (set) => set[Math.floor(Math.random() * set.length)];
  const shape = 'CAMNAMNAANN';
  let s = '';
  for (const kind of shape) {
    if (kind === 'C') s += pick('123456789');
    else if (kind === 'N') s += pick(digits);
    else if (kind === 'A') s += pick(letters);
    else s += pick(letters + digits);
  }
  return s;
}

const suffix = randomLetters(8);
const family = 'Testpatient' + suffix; // e.g. Testpatientqwhzkrtm
const given = 'Journey';
const mbiCompact = randomMbi();
const mbiTyped = `${mbiCompact.slice(0, 4)}-${mbiCompact.slice(4, 7)}-${mbiCompact.slice(7)}`;
const street = `${100 + Math.floor(Math.random() * 800)} Journey Lane`;
const patient = {
  family_name: family,
  given_name: given,
  middle_name: 'Q',
  birth_date: '1941-03-04',
  sex: 'female',
  mbi: mbiTyped,
  home_line1: street,
  home_city: 'Columbus',
  home_state: 'OH',
  home_postal_code: '43215',
  phone_mobile: '(614) 555-0142',
  email: `${family.toLowerCase()}@example.com`,
  diagnoses: 'G47.33, J44.9',
};
const DIAGNOSIS_CODES = ['G47.33', 'G4733', 'J44.9', 'J449'];

// --- harness ------------------------------------------------------------------------------

const started = Date.now();
let stepNo = 0;
let currentStep = '(setup)';
let browser;
let page;
const serverErrors = [];
const pageErrors = [];

async function step(name, fn) {
  currentStep = name;
  const t0 = Date.now();
  await fn();
  stepNo += 1;
  console.log(`ok ${stepNo} - ${name} (${Date.now() - t0} ms)`);
}

async function fail(err) {
  console.error(`\nnot ok ${stepNo + 1} - ${currentStep}`);
  console.error(err && err.stack ? err.stack : String(err));
  if (page) {
    try {
      console.error(`  at URL: ${page.url()}`);
      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'failure.png'), fullPage: true });
      await writeFile(join(RESULTS, 'failure.html'), await page.content());
      console.error(`  screenshot: ${join(RESULTS, 'failure.png')} (page HTML beside it)`);
      const errors = await page.locator('p.error').allInnerTexts().catch(() => []);
      if (errors.length) console.error(`  field errors on the page: ${JSON.stringify(errors)}`);
    } catch (e) {
      console.error(`  (could not save the screenshot: ${e.message})`);
    }
  }
  if (serverErrors.length) console.error(`  server errors seen: ${serverErrors.join('; ')}`);
  if (pageErrors.length) console.error(`  page script errors seen: ${pageErrors.join('; ')}`);
  console.error(`\njourney: ${stepNo} passed, 1 failed`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}

const url = (path) => BASE + path;
const pathOf = (u) => {
  const p = new URL(u);
  return p.pathname + p.search;
};

/** Opens a path and checks it answered 200. */
async function open(path) {
  const response = await page.goto(url(path));
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), 200, `GET ${path} answered ${response.status()}`);
  return response;
}

async function login(username, password) {
  await open('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
}

async function logout() {
  const button = page.locator('header.top').getByRole('button', { name: 'Log out' });
  await Promise.all([page.waitForNavigation(), button.click()]);
  assert.equal(new URL(page.url()).pathname, '/login', `after logging out the page is ${page.url()}`);
}

/** The tab links shown in the chart's nav.tabs. */
async function tabLabels() {
  return (await page.locator('nav.tabs a').allInnerTexts()).map((t) => t.trim());
}

// --- the journey --------------------------------------------------------------------------

async function journey() {
  console.log(`journey against ${BASE} with ${CHROMIUM}; patient "${family}, ${given}", MBI ${mbiCompact}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  page = await context.newPage();
  page.on('response', (r) => {
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${pathOf(r.url())}`);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await step('a wrong password shows #login-error', async () => {
    await login('intake', 'not-the-password');
    assert.equal(new URL(page.url()).pathname, '/login', `a wrong password led to ${page.url()}`);
    const error = page.locator('#login-error');
    assert.equal(await error.count(), 1, '#login-error is missing after a wrong password');
    assert.ok((await error.innerText()).trim().length > 0, '#login-error is empty');
  });

  await step('intake logs in and lands on /', async () => {
    await login('intake', PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/', `intake landed on ${page.url()}`);
    assert.equal(await page.locator('#login-error').count(), 0, 'the login page shows an error');
    const header = await page.locator('header.top').innerText();
    assert.match(header, /intake/, 'the header does not name the user');
    const nav = await page.locator('header.top nav a').allInnerTexts();
    assert.ok(nav.includes('Home') && nav.includes('Patients'), `header links: ${JSON.stringify(nav)}`);
  });

  await step('intake opens the new patient form from /patients', async () => {
    await open('/patients');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/patients/new'),
      page.getByRole('link', { name: 'New patient' }).click(),
    ]);
    await page.locator('#family_name').waitFor();
  });

  let payerName = '';
  await step('intake fills in the patient, diagnoses and Medicare coverage', async () => {
    for (const id of ['family_name', 'given_name', 'middle_name', 'birth_date', 'mbi', 'home_line1',
      'home_city', 'home_postal_code', 'phone_mobile', 'email', 'diagnoses']) {
      await page.locator(`#${id}`).fill(patient[id]);
    }
    await page.locator('#sex').selectOption(patient.sex);
    await page.locator('#home_state').selectOption(patient.home_state);

    const payers = await page.locator('#coverage_payer_id option').evaluateAll((options) =>
      options.map((o) => ({ value: o.value, label: o.textContent.trim() })).filter((o) => o.value !== ''));
    assert.ok(payers.length > 0, 'the payer list (#coverage_payer_id) is empty');
    const payer = payers.find((p) => /medicare/i.test(p.label)) || payers[0];
    payerName = payer.label;
    await page.locator('#coverage_payer_id').selectOption(payer.value);
    await page.locator('#coverage_member_id').fill(/medicare/i.test(payerName) ? mbiTyped : `JRN${suffix.toUpperCase()}`);
    await page.locator('#coverage_priority').selectOption('primary');
    await page.locator('#coverage_effective_date').fill('2024-01-01');
    console.log(`# payer: ${payerName}`);
  });

  let chartPath = '';
  await step('"Create patient" opens the new chart', async () => {
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Create patient' }).click(),
    ]);
    if (await page.locator('#possible-duplicates').count()) {
      throw new Error('the form offered #possible-duplicates for a name made unique for this run');
    }
    const errors = await page.locator('p.error').evaluateAll((ps) => ps.map((p) => `${p.id}: ${p.textContent.trim()}`));
    assert.deepEqual(errors, [], `the form was refused: ${JSON.stringify(errors)}`);
    assert.match(new URL(page.url()).pathname, /^\/patients\/[0-9a-f-]{36}$/, `after create the URL is ${page.url()}`);
    chartPath = new URL(page.url()).pathname;
    const h1 = await page.locator('h1').innerText();
    assert.ok(h1.includes(family) && h1.includes(given), `chart h1 is "${h1}", expected "${family}, ${given}"`);
    assert.ok(h1.includes(`${family}, ${given}`), `chart h1 is "${h1}"`);
  });

  await step('search by family name finds exactly the new patient', async () => {
    await open('/patients');
    await page.locator('#q').fill(family);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/patients' && u.searchParams.get('q') === family),
      page.locator('form.search').getByRole('button', { name: 'Search' }).click(),
    ]);
    const links = page.locator('table.results tbody a[href^="/patients/"]');
    await links.first().waitFor();
    assert.equal(await page.locator('table.results tbody tr').count(), 1, 'the search did not find exactly one row');
    assert.equal(await links.count(), 1);
    const text = (await links.innerText()).trim();
    assert.ok(text.startsWith(`${family}, ${given}`), `the result reads "${text}"`);
    assert.equal(await links.getAttribute('href'), chartPath, 'the result links to another chart');
  });

  await step('"family, given" search finds the patient too', async () => {
    await open(`/patients?q=${encodeURIComponent(`${family.toLowerCase()}, ${given.slice(0, 3).toLowerCase()}`)}`);
    const links = page.locator('table.results tbody a[href^="/patients/"]');
    assert.equal(await links.count(), 1, '"family, given" did not find exactly one patient');
    assert.equal(await links.getAttribute('href'), chartPath);
  });

  await step('clicking the result opens the same chart', async () => {
    await Promise.all([
      page.waitForURL((u) => u.pathname === chartPath),
      page.locator('table.results tbody a[href^="/patients/"]').click(),
    ]);
    assert.equal(pathOf(page.url()), chartPath);
    const overview = await page.locator('#overview').innerText();
    assert.ok(overview.includes(street), `the overview does not show the street "${street}"`);
    assert.ok(overview.includes('(614) 555-0142'), 'the overview does not show the mobile phone');
    const tabs = await tabLabels();
    assert.deepEqual(tabs, ['Overview', 'Insurance', 'Diagnoses'], `intake sees tabs ${JSON.stringify(tabs)}`);
  });

  await step('the Insurance tab shows the payer, member id and MBI', async () => {
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('tab') === 'insurance'),
      page.locator('nav.tabs').getByRole('link', { name: 'Insurance' }).click(),
    ]);
    const text = await page.locator('#insurance').innerText();
    assert.ok(text.includes(payerName), `the Insurance tab does not show "${payerName}":\n${text}`);
    assert.ok(text.includes(mbiCompact) || text.includes(mbiTyped), `the Insurance tab does not show the MBI/member id ${mbiCompact}:\n${text}`);
    assert.match(text, /primary/i, 'the Insurance tab does not show the priority');
  });

  await step('the Diagnoses tab shows G47.33 and J44.9', async () => {
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('tab') === 'diagnoses'),
      page.locator('nav.tabs').getByRole('link', { name: 'Diagnoses' }).click(),
    ]);
    const text = await page.locator('#diagnoses').innerText();
    assert.ok(text.includes('G47.33'), `the Diagnoses tab does not show G47.33:\n${text}`);
    assert.ok(text.includes('J44.9'), `the Diagnoses tab does not show J44.9:\n${text}`);
  });

  // --- the CPAP order: held for a missing signature and sleep study, then made Ready ---------
  const isoDay = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const today = isoDay(0);
  const pdf = (what) => ({ name: `${what}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${what} for ${family}\n%%EOF\n`) });
  let orderPath = '';

  await step('intake starts an order from the chart and sees the checklist live', async () => {
    await open(chartPath);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/orders/new'),
      page.getByRole('link', { name: 'New order' }).click(),
    ]);
    const prescribers = await page.locator('#prescriber_id option').evaluateAll((options) =>
      options.map((o) => o.value).filter((v) => v !== ''));
    assert.ok(prescribers.length > 0, 'no prescriber to choose');
    await page.locator('#prescriber_id').selectOption(prescribers[0]);
    await page.locator('#planned_delivery').fill(today);
    await page.locator('#diagnoses').fill('G47.33');
    await page.locator('#line_0_hcpcs').fill('E0601');
    await page.locator('#line_0_hcpcs').press('Tab');
    await page.locator('#checklist li[data-rule="SWO-SIGNATURE"]').waitFor();
    await page.locator('#checklist li[data-rule="PAP-SLEEP-TEST"]').waitFor();
  });

  await step('the saved order is on hold for the signature and the sleep study', async () => {
    await Promise.all([
      page.waitForURL((u) => /^\/orders\/[0-9a-f-]{36}$/.test(u.pathname)),
      page.getByRole('button', { name: 'Save order' }).click(),
    ]);
    orderPath = new URL(page.url()).pathname;
    assert.match(await page.locator('h1 .status').innerText(), /hold/);
    for (const rule of ['SWO-SIGNATURE', 'PAP-SLEEP-TEST']) {
      assert.equal(await page.locator(`ul.checklist li[data-rule="${rule}"]`).count(), 1, `no ${rule} reason`);
    }
  });

  await step('intake records this month\'s eligibility check', async () => {
    await Promise.all([
      page.waitForURL((u) => u.pathname === orderPath),
      page.getByRole('button', { name: 'Record eligibility' }).click(),
    ]);
    assert.equal(await page.locator('ul.checklist li[data-rule^="ELIGIBILITY"]').count(), 0, 'eligibility is still a reason');
  });

  const uploadAndMark = async (kind, date, rule) => {
    await page.locator('#file').setInputFiles(pdf(kind));
    await page.locator('#kind').selectOption(kind);
    await page.locator('#document_date').fill(date);
    await Promise.all([
      page.waitForURL((u) => u.pathname === orderPath),
      page.getByRole('button', { name: 'Upload' }).click(),
    ]);
    assert.equal(await page.locator('#file-error').count(), 0, 'the upload was refused');
    await Promise.all([
      page.waitForURL((u) => u.pathname === orderPath),
      page.getByRole('button', { name: `Mark as ${rule}` }).click(),
    ]);
    assert.equal(await page.locator(`ul.checklist li[data-rule="${rule}"]`).count(), 0, `${rule} is still a reason`);
  };

  await step('a file that is not a document is refused with a clear message', async () => {
    await page.locator('#file').setInputFiles({ name: 'order.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ this is a program') });
    await page.locator('#kind').selectOption('order');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#file-error').waitFor();
    assert.match(await page.locator('#file-error').innerText(), /not a PDF, PNG, JPEG or TIFF/);
    assert.equal(await page.locator('table.documents').count(), 0, 'the refused file was stored');
  });

  await step('intake uploads the signed order and marks it', async () => {
    await open(orderPath);
    await uploadAndMark('order', today, 'SWO-SIGNATURE');
  });

  await step('intake uploads the sleep study and the evaluation before it, and marks them', async () => {
    await uploadAndMark('sleep_study', isoDay(10), 'PAP-SLEEP-TEST');
    await uploadAndMark('f2f_note', isoDay(30), 'PAP-F2F-EVALUATION');
  });

  await step('the order is Ready and its documents open inline', async () => {
    assert.match(await page.locator('h1 .status').innerText(), /ready/, 'the order did not turn Ready');
    assert.equal(await page.locator('ul.checklist li.reason-blocking').count(), 0);
    const history = await page.locator('table').last().innerText();
    assert.match(history, /hold[\s\S]*ready/, `the history does not show hold then ready:\n${history}`);
    const href = await page.locator('table.documents a[href^="/documents/"]').first().getAttribute('href');
    const response = await page.request.get(url(href));
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    assert.match(response.headers()['content-disposition'], /^inline/);
  });

  await step('intake logs out', async () => {
    await logout();
    const response = await page.goto(url(chartPath));
    assert.equal(new URL(page.url()).pathname, '/login', `after logout the chart answered ${response && response.status()} at ${page.url()}`);
  });

  await step('tech logs in', async () => {
    await login('tech', PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/', `tech landed on ${page.url()}`);
    assert.match(await page.locator('header.top').innerText(), /tech/);
  });

  await step('tech cannot open the order', async () => {
    const response = await page.goto(url(orderPath));
    assert.equal(response.status(), 403, `tech got ${response.status()} for the order`);
    const nav = await page.locator('header.top nav a').allInnerTexts();
    assert.ok(!nav.includes('Orders'), `tech sees an Orders link: ${JSON.stringify(nav)}`);
  });

  for (const tab of ['', '?tab=insurance', '?tab=diagnoses']) {
    await step(`tech sees ${chartPath}${tab} without coverage or diagnoses`, async () => {
      await open(chartPath + tab);
      const h1 = await page.locator('h1').innerText();
      assert.ok(h1.includes(`${family}, ${given}`), `tech's chart h1 is "${h1}"`);
      const tabs = await tabLabels();
      assert.deepEqual(tabs, ['Overview'], `tech sees tabs ${JSON.stringify(tabs)}`);
      assert.equal(await page.locator('#overview').count(), 1, 'tech is not shown the overview');
      assert.equal(await page.locator('#insurance, #diagnoses').count(), 0, 'tech is shown an insurance or diagnoses section');
      const text = await page.locator('body').innerText();
      const html = await page.content();
      assert.ok(text.includes(street), `tech does not see the home address "${street}"`);
      const secrets = [mbiCompact, mbiTyped, payerName, ...DIAGNOSIS_CODES];
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `tech's page text shows "${secret}"`);
        assert.ok(!html.includes(secret), `tech's page HTML contains "${secret}"`);
      }
      for (const word of ['Insurance', 'Diagnoses']) {
        assert.equal(await page.locator('nav.tabs').getByRole('link', { name: word }).count(), 0, `tech sees a "${word}" tab`);
      }
    });
  }

  await inventoryJourney();

  await browser.close();
  browser = undefined;
  if (serverErrors.length) throw new Error(`server errors during the journey: ${serverErrors.join('; ')}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (pageErrors.length) console.log(`# page script errors (not failing): ${pageErrors.join('; ')}`);
  console.log(`# journey took ${seconds} s`);
  console.log(`journey: ${stepNo} passed, 0 failed`);
}

/** Submits the asset page's form for one command and waits for the page that answers. */
async function assetCommand(command) {
  const form = page.locator(`form:has(input[name="command"][value="${command}"])`);
  assert.equal(await form.count(), 1, `the asset page offers no "${command}" form`);
  await Promise.all([page.waitForNavigation(), form.getByRole('button').click()]);
}

/** The state shown on the asset page. */
async function assetState() {
  return (await page.locator('dd.state').innerText()).trim();
}

// The inventory part: admin orders three concentrators, tech receives them by serial at the
// dock, scans one to its page, reserves it for an open order, delivers it and takes it back,
// sees that the dirty unit cannot be reserved (and why), and prints its label.
async function inventoryJourney() {
  const serials = [1, 2, 3].map((n) => `EVJ-${suffix.toUpperCase()}-${n}`);
  let poPath;

  await step('admin orders three concentrators from Philips Respironics', async () => {
    await logout();
    await login('admin', PASSWORD);
    await open('/purchase-orders');
    const vendor = page.locator('select[name="vendor_id"]');
    await vendor.selectOption({ label: 'Philips Respironics' });
    const product = page.locator('select[name="product_id"]');
    const value = await product.locator('option', { hasText: 'EverFlo' }).first().getAttribute('value');
    assert.ok(value, 'the product list has no EverFlo concentrator');
    await product.selectOption(value);
    await page.locator('input[name="quantity"]').fill('3');
    await page.locator('input[name="unit_cost"]').fill('615.00');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Place order' }).click()]);
    poPath = pathOf(page.url());
    assert.match(poPath, /^\/purchase-orders\/[0-9a-f-]{36}$/, `placing the order led to ${poPath}`);
    assert.equal((await page.locator('span.status').innerText()).trim(), 'open');
  });

  await step('tech receives the three concentrators by serial', async () => {
    await logout();
    await login('tech', PASSWORD);
    await open(poPath);
    await page.locator('input[name="quantity_0"]').fill('3');
    // A scanner types each serial and an Enter.
    await page.locator('textarea[name="serials_0"]').fill(serials.join('\n'));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Receive' }).click()]);
    assert.equal(pathOf(page.url()), poPath, `receiving led to ${page.url()}`);
    assert.equal((await page.locator('span.status').innerText()).trim(), 'received');
    const received = await page.locator('ul li a').allInnerTexts();
    for (const serial of serials) {
      assert.ok(received.includes(serial), `${serial} is not among the units received: ${JSON.stringify(received)}`);
    }
  });

  await step('a scanned serial opens its unit, clean and available', async () => {
    await open('/inventory');
    // Scanned with other separators than printed: the search key ignores them.
    await page.locator('#q').fill(serials[0].replaceAll('-', ' ').toLowerCase());
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Find' }).click()]);
    assert.match(pathOf(page.url()), /^\/assets\/[0-9a-f-]{36}$/, `the scan led to ${page.url()}`);
    assert.ok((await page.locator('h1').innerText()).includes(serials[0]));
    assert.equal(await assetState(), 'available');
  });

  const assetPath = pathOf(page.url());

  await step('tech reserves the unit for an open concentrator order', async () => {
    const orders = page.locator('select[name="order_id"] option');
    assert.ok((await orders.count()) > 0, 'no open order is offered for the concentrator');
    const chosen = (await page.locator('select[name="order_id"] option').first().innerText()).split(' · ')[0].trim();
    await assetCommand('reserve');
    assert.equal(pathOf(page.url()), assetPath);
    assert.equal(await assetState(), 'reserved');
    // The unit is now with the order's patient, whom the technician may see.
    const holder = page.locator('dl.facts dd a[href^="/patients/"]');
    assert.equal((await holder.innerText()).trim(), chosen, 'the unit is not held for the chosen order\'s patient');
  });

  await step('the unit goes out and comes back dirty', async () => {
    await assetCommand('deliver');
    assert.equal(await assetState(), 'delivered');
    await assetCommand('return');
    assert.equal(await assetState(), 'returned');
  });

  await step('the dirty unit cannot be reserved, and the page says why', async () => {
    // The unit's page offers no reservation, in the state machine's own words.
    const refusal = (await page.locator('#reserve-refusal').innerText()).trim();
    assert.equal(refusal, 'A dirty unit cannot be reserved: clean and inspect it first.');
    assert.equal(await page.locator('form:has(input[name="command"][value="reserve"])').count(), 0);
    assert.equal(await assetState(), 'returned');
    // The "What" column of the unit's life: the refused reservation left no event.
    const what = await page.locator('table').first().locator('tbody tr td:nth-child(3)').allInnerTexts();
    assert.deepEqual(what.map((w) => w.trim()), ['receive', 'reserve', 'deliver', 'return']);
  });

  await step('tech prints the unit\'s label as a PDF', async () => {
    const href = await page.getByRole('link', { name: 'Print label' }).getAttribute('href');
    const response = await page.request.get(url(href));
    assert.equal(response.status(), 200, `the label answered ${response.status()}`);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const body = await response.body();
    assert.equal(body.subarray(0, 5).toString(), '%PDF-', 'the label is not a PDF');
    assert.ok(body.subarray(-1024).toString().includes('%%EOF'), 'the label PDF is cut short');
  });
}

process.on('unhandledRejection', fail);
journey().catch(fail);
