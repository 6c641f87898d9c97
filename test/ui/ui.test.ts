/**
 * The web UI in a real browser (Chromium through playwright-core), against a real registry (buildApp over
 * in-memory PGlite, UI on): schemas are registered through the API, then the UI is used as a person would:
 * search and filter the subjects, open one, diff two versions, test an incompatible candidate and read the
 * registry's messages, register a compatible one after confirming, change the level, look a schema up by
 * the bytes of a record, delete versions (permanently behind a second confirmation), see registering off
 * in READONLY, work at phone size and from the keyboard, and sign in when authentication is on. Every
 * page must end with no console error and no request outside the registry. Screenshots: test/ui/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call, startRegistry, type TestRegistry } from '../registry/server.js';
import { SignJWT } from 'jose';
import { JWT_DEFAULTS } from '../../registry/src/security/options.js';
import { scratchDir, startSecureRegistry, usersFile, type SecureRegistry } from '../security/helpers.js';
import { CHROMIUM, launch, screenshot, warnIfNoChromium, watch, type Watched } from './browser.js';

const SUITE = 'web UI in Chromium';
warnIfNoChromium(SUITE);

const avro = (fields: object[], name = 'Order') => JSON.stringify({ type: 'record', name, namespace: 'acme', fields });
const ORDER_V1 = avro([
  { name: 'id', type: 'long' },
  { name: 'amount', type: 'double' },
]);
const ORDER_V2 = avro([
  { name: 'id', type: 'long' },
  { name: 'amount', type: 'double' },
  { name: 'currency', type: 'string', default: 'EUR' },
]);
/** `amount` turned into a string: not BACKWARD compatible with either version. */
const ORDER_BAD = avro([
  { name: 'id', type: 'long' },
  { name: 'amount', type: 'string' },
  { name: 'currency', type: 'string', default: 'EUR' },
]);
/** One more optional field: BACKWARD compatible. */
const ORDER_V3 = avro([
  { name: 'id', type: 'long' },
  { name: 'amount', type: 'double' },
  { name: 'currency', type: 'string', default: 'EUR' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const PAYMENT = 'syntax = "proto3";\npackage acme;\n\nmessage Payment {\n  string id = 1;\n  int64 cents = 2;\n}\n';
const CUSTOMER = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false });
const JWT_SECRET = 'a-secret-for-the-ui-tests-of-at-least-32-bytes';
const MONEY = avro([{ name: 'cents', type: 'long' }], 'Money');

describe.skipIf(!CHROMIUM)(SUITE, () => {
  let registry: TestRegistry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watched: Watched;
  const ids: Record<string, number> = {};

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(registry.url, method, path, body === undefined ? {} : { body });
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    return res.json;
  };
  const open = async (hash: string) => {
    await page.goto(`${registry.url}/ui/${hash}`);
    await page.locator('main h1').first().waitFor();
  };
  const heading = () => page.locator('main h1').first();

  beforeAll(async () => {
    registry = await startRegistry('pglite', { ui: true, schemaWork: { threads: 0 } });
    ids.order1 = (await api('POST', '/subjects/orders-value/versions', { schema: ORDER_V1 })).id;
    ids.order2 = (await api('POST', '/subjects/orders-value/versions', { schema: ORDER_V2, metadata: { properties: { owner: 'team-orders' } } })).id;
    ids.payment = (await api('POST', '/subjects/payments-value/versions', { schemaType: 'PROTOBUF', schema: PAYMENT })).id;
    ids.customer = (await api('POST', '/subjects/customers-value/versions', { schemaType: 'JSON', schema: CUSTOMER })).id;
    ids.inventory = (await api('POST', `/subjects/${encodeURIComponent(':.team:inventory-value')}/versions`, { schema: avro([{ name: 'sku', type: 'string' }], 'Item') })).id;
    ids.money = (await api('POST', '/subjects/common-money/versions', { schema: MONEY })).id;
    ids.invoice = (
      await api('POST', '/subjects/invoices-value/versions', {
        schema: avro([{ name: 'total', type: 'acme.Money' }], 'Invoice'),
        references: [{ name: 'acme.Money', subject: 'common-money', version: 1 }],
      })
    ).id;
    await api('POST', '/subjects/legacy-value/versions', { schema: avro([{ name: 'old', type: 'int' }], 'Legacy') });
    await api('DELETE', '/subjects/legacy-value');
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  const newPage = async (viewport = { width: 1280, height: 800 }) => {
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(30_000);
    page = await context.newPage();
    watched = watch(page, registry.url);
  };
  afterEach(async () => {
    const { errors, external } = watched;
    await context?.close();
    expect(errors, 'console errors').toEqual([]);
    expect(external, 'requests outside the registry').toEqual([]);
  });

  const LIVE = [':.team:inventory-value', 'common-money', 'customers-value', 'invoices-value', 'orders-value', 'payments-value'];
  const listed = () => page.locator('tr[data-subject]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-subject')));
  const cells = (subject: string) =>
    page.locator(`tr[data-subject="${subject}"] td`).evaluateAll((tds) => tds.map((td) => (td.textContent ?? '').trim()));

  it('lists subjects with format, latest version, level and mode; search and filters narrow the list', async () => {
    await newPage();
    await open('#/');
    expect(await heading().textContent()).toBe('Subjects');
    await page.getByText('6 subjects', { exact: true }).waitFor();
    expect(await listed()).toEqual(LIVE);
    // Level and mode arrive per row.
    await page.locator('tr[data-subject="orders-value"] td[data-label="Mode"]', { hasText: 'READWRITE' }).waitFor();
    expect(await cells('orders-value')).toEqual(['orders-value', 'Avro', `v2 · id ${ids.order2}`, 'BACKWARD', 'READWRITE']);
    await page.locator('tr[data-subject="payments-value"] td[data-label="Mode"]', { hasText: 'READWRITE' }).waitFor();
    expect(await cells('payments-value')).toEqual(['payments-value', 'Protobuf', `v1 · id ${ids.payment}`, 'BACKWARD', 'READWRITE']);
    await screenshot(page, 'subjects');

    await page.getByLabel('Search').fill('ORDERS');
    await page.getByText('1 of 6 subjects').waitFor();
    expect(await listed()).toEqual(['orders-value']);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Format').selectOption('PROTOBUF');
    await page.getByText('1 of 6 subjects').waitFor();
    expect(await listed()).toEqual(['payments-value']);
    await page.getByLabel('Format').selectOption('JSON');
    await page.getByText('1 of 6 subjects').waitFor();
    expect(await listed()).toEqual(['customers-value']);
    await page.getByLabel('Format').selectOption('');
    await page.getByLabel('Context').selectOption('.team');
    await page.getByText('1 of 6 subjects').waitFor();
    expect(await listed()).toEqual([':.team:inventory-value']);
    await page.getByLabel('Context').selectOption('');
    await page.getByLabel('Soft-deleted').selectOption('only');
    await page.getByText('1 subject', { exact: true }).waitFor();
    expect(await listed()).toEqual(['legacy-value']);
    expect(await page.locator('tr[data-subject="legacy-value"] .badge').textContent()).toBe('soft-deleted');
    await page.getByLabel('Soft-deleted').selectOption('all');
    await page.getByText('7 subjects', { exact: true }).waitFor();
    expect(await listed()).toEqual([...LIVE.slice(0, 4), 'legacy-value', ...LIVE.slice(4)]);
    // The filters live in the URL: a reload shows the same list.
    await page.getByLabel('Search').fill('value');
    await page.reload();
    await page.getByText('6 of 7 subjects').waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe('value');
  });

  it('opens a subject from the search: versions, highlighted schema, id, guid, references, referenced-by, metadata', async () => {
    await newPage();
    await open('#/');
    await page.getByLabel('Search').fill('orders');
    await page.getByRole('link', { name: 'orders-value' }).click();
    await page.getByRole('heading', { name: 'Version 2' }).waitFor();
    expect(await heading().textContent()).toBe('orders-value');
    expect(await page.locator('.versions li a').allTextContents()).toEqual(['Version 2', 'Version 1']);
    expect(await page.getByTestId('schema-id').textContent()).toBe(String(ids.order2));
    const version = await api('GET', '/subjects/orders-value/versions/2');
    expect(await page.locator('.facts').textContent()).toContain(version.guid);
    // Pretty-printed (two-space indentation) and highlighted (highlight.js spans).
    const code = (await page.locator('pre.code').first().textContent()) ?? '';
    expect(code).toBe(JSON.stringify(JSON.parse(ORDER_V2), null, 2));
    expect(await page.locator('pre.code').first().locator('.hljs-attr').count()).toBeGreaterThan(5);
    expect(await page.getByLabel('Metadata').textContent()).toContain('"owner": "team-orders"');
    await page.getByRole('heading', { name: 'Referenced by' }).waitFor();
    await page.getByText('Nothing.').waitFor();
    await page.getByTestId('effective-level').waitFor();
    expect(await page.getByTestId('effective-level').textContent()).toBe('BACKWARD');
    await screenshot(page, 'subject-view');

    // A schema with a reference links to it; the referenced version lists who references it.
    await open('#/subjects/invoices-value');
    await page.getByRole('link', { name: 'common-money version 1' }).click();
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    expect(await heading().textContent()).toBe('common-money');
    await page.getByRole('link', { name: `schema id ${ids.invoice}` }).waitFor();
    // Protobuf is highlighted as .proto.
    await open(`#/subjects/payments-value`);
    await page.locator('pre.code code.language-protobuf').waitFor();
    expect(await page.locator('pre.code').first().textContent()).toBe(PAYMENT.trimEnd());
    expect(await page.locator('pre.code .hljs-keyword').count()).toBeGreaterThan(1);
    // A soft-deleted subject still opens, its versions marked, offering only the permanent delete.
    await open('#/subjects/legacy-value');
    await page.getByRole('heading', { name: 'Version 1 soft-deleted' }).waitFor();
    expect(await page.locator('.versions li').allTextContents()).toEqual(['Version 1soft-deleted']);
    await page.getByRole('button', { name: 'Delete version 1 permanently…' }).waitFor();
    expect(await page.getByRole('button', { name: /^Soft-delete/ }).count()).toBe(0);
  });

  it('diffs two versions side by side and unified, with the verdict under the subject level', async () => {
    await newPage();
    await open('#/subjects/orders-value');
    await page.getByRole('link', { name: 'Diff versions' }).click();
    await page.getByTestId('verdict').waitFor();
    expect(await heading().textContent()).toBe('Diff of orders-value');
    expect(await page.getByLabel('Old version').inputValue()).toBe('1');
    expect(await page.getByLabel('New version').inputValue()).toBe('2');
    expect(await page.getByTestId('verdict').textContent()).toBe('Compatible — version 2 checked against version 1 under BACKWARD.');
    expect(await page.getByTestId('diff-summary').textContent()).toBe('5 lines added, 0 removed.');
    const added = await page.locator('table.diff-split td.line-add').allTextContents();
    expect(added.map((t) => t.replace('added: ', '').trim())).toEqual(['},', '{', '"name": "currency",', '"type": "string",', '"default": "EUR"']);
    await screenshot(page, 'diff');

    await page.getByLabel('Unified').check();
    await page.locator('table.diff-unified').waitFor();
    expect(await page.locator('table.diff-unified tr.line-add').count()).toBe(5);
    expect(await page.locator('table.diff-unified tr.line-del').count()).toBe(0);
    // The other way round: version 1 as the candidate against version 2 drops a field with a default,
    // which BACKWARD allows; swapping shows removed lines.
    await page.getByLabel('Old version').selectOption('2');
    await page.getByLabel('New version').selectOption('1');
    await page.getByText('0 lines added, 5 removed.').waitFor();
    expect(await page.getByTestId('verdict').textContent()).toBe('Compatible — version 1 checked against version 2 under BACKWARD.');
    await screenshot(page, 'diff-unified');
  });

  it("tests an incompatible candidate and shows the registry's messages; registers a compatible one after confirming", async () => {
    await newPage();
    await open('#/subjects/orders-value');
    await page.getByRole('link', { name: 'Test a candidate' }).click();
    await page.getByLabel('Candidate schema').waitFor();
    expect(await heading().textContent()).toBe('Test a candidate for orders-value');
    await page.getByLabel('Candidate schema').fill(ORDER_BAD);
    await page.getByRole('button', { name: 'Test compatibility' }).click();
    await page.getByTestId('verdict').waitFor();
    const verdict = page.getByTestId('verdict');
    expect(await verdict.locator('.verdict-line').textContent()).toBe('Not compatible — the candidate checked against the versions the level names under BACKWARD.');
    // Exactly what a client gets from the API, message by message.
    const direct = await call(registry.url, 'POST', '/compatibility/subjects/orders-value/versions?verbose=true', { body: { schema: ORDER_BAD, schemaType: 'AVRO', references: [] } });
    expect(direct.json.is_compatible).toBe(false);
    const shown = await verdict.locator('.messages li').allTextContents();
    expect(shown).toEqual(direct.json.messages);
    expect(shown.join('\n')).toContain("TYPE_MISMATCH");
    expect(shown.join('\n')).toContain("field 'amount'");
    await screenshot(page, 'candidate-incompatible');
    // Text that does not parse: the registry's verdict says why (Confluent answers it as not compatible).
    await page.getByLabel('Candidate schema').fill('{"type": "record", "name": ');
    await page.getByRole('button', { name: 'Test compatibility' }).click();
    await page.locator('[data-testid=verdict] .messages li', { hasText: 'Invalid schema of type AVRO' }).waitFor();
    // References that are not JSON are refused before asking the registry.
    await page.getByText('References (optional)').click();
    await page.getByLabel(/^JSON array of/).fill('[{"name": ');
    await page.getByRole('button', { name: 'Test compatibility' }).click();
    await page.getByTestId('candidate-error').waitFor();
    expect(await page.getByTestId('candidate-error').textContent()).toMatch(/^References must be a JSON array/);
    await page.getByLabel(/^JSON array of/).fill('');

    await page.getByLabel('Candidate schema').fill(ORDER_V3);
    await page.getByRole('button', { name: 'Test compatibility' }).click();
    await page.locator('[data-testid=verdict].verdict-ok').waitFor();
    await page.getByRole('button', { name: 'Register…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Register this schema under orders-value?');
    // Cancelling registers nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await api('GET', '/subjects/orders-value/versions')).toEqual([1, 2]);
    await page.getByRole('button', { name: 'Register…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByText(/^Registered as schema id \d+, version 3\.$/).waitFor();
    const v3 = await api('GET', '/subjects/orders-value/versions/3');
    expect(JSON.parse(v3.schema)).toEqual(JSON.parse(ORDER_V3));
    expect(await page.locator('.notice a').first().textContent()).toBe(String(v3.id));
  });

  it('changes the compatibility level and the mode; registering is off while READONLY', async () => {
    await newPage();
    await open('#/subjects/customers-value');
    await page.getByTestId('effective-level').waitFor();
    expect(await page.locator('.settings p').first().textContent()).toBe('In force: compatibility BACKWARD (inherited), mode READWRITE (inherited).');
    await page.getByLabel('Compatibility level').selectOption('FULL_TRANSITIVE');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved: compatibility FULL_TRANSITIVE.').waitFor();
    await page.locator('[data-testid=effective-level]', { hasText: 'FULL_TRANSITIVE' }).waitFor();
    expect(await api('GET', '/config/customers-value')).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect(await page.locator('.settings p').first().textContent()).toContain('FULL_TRANSITIVE (set on this subject; default BACKWARD)');

    await page.getByLabel('Mode').selectOption('READONLY');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved: mode READONLY.').waitFor();
    expect(await api('GET', '/mode/customers-value')).toEqual({ mode: 'READONLY' });
    // The page re-renders after the save: wait (bounded) for the disabled button, then check it.
    await page.getByRole('button', { name: 'Soft-delete version 1', disabled: true }).waitFor({ timeout: 10_000 }).catch(() => {});
    expect(await page.getByRole('button', { name: 'Soft-delete version 1' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Test a candidate' }).click();
    await page.getByLabel('Candidate schema').fill(CUSTOMER);
    await page.getByRole('button', { name: 'Register…', disabled: true }).waitFor({ timeout: 10_000 }).catch(() => {});
    expect(await page.getByRole('button', { name: 'Register…' }).isDisabled()).toBe(true);
    await page.getByText('Registering is off: the subject is READONLY.').waitFor();
    // Testing still works (it changes nothing), under the new level.
    await page.getByRole('button', { name: 'Test compatibility' }).click();
    expect(await page.getByTestId('verdict').locator('.verdict-line').textContent()).toContain('under FULL_TRANSITIVE');

    // Back to inheriting both.
    await page.getByRole('link', { name: 'customers-value' }).click();
    await page.getByRole('button', { name: 'Inherit mode (READWRITE)' }).click();
    await page.getByText('Saved: mode inherited again.').waitFor();
    await page.getByRole('button', { name: 'Inherit compatibility (BACKWARD)' }).click();
    await page.getByText('Saved: compatibility inherited again.').waitFor();
    await page.locator('[data-testid=effective-level]', { hasText: /^BACKWARD$/ }).waitFor();
    expect((await call(registry.url, 'GET', '/config/customers-value')).status).toBe(404);
    expect((await call(registry.url, 'GET', '/mode/customers-value')).status).toBe(404);
  });

  it("looks a schema up by a record's first bytes and lists the subjects and versions holding it", async () => {
    await newPage();
    await open('#/');
    await page.getByRole('link', { name: 'Schema by id' }).click();
    await page.getByLabel('Schema id or record bytes').fill(`00 00 00 00 ${ids.payment!.toString(16).padStart(2, '0')}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: `Schema ${ids.payment}` }).waitFor();
    expect(await page.getByTestId('holders').locator('li').allTextContents()).toEqual(['payments-value version 1']);
    expect(await page.locator('pre.code').textContent()).toBe(PAYMENT.trimEnd());
    await screenshot(page, 'lookup');
    // A first byte that is not the magic byte is refused before asking the registry.
    await page.getByLabel('Schema id or record bytes').fill('01 00 00 00 01');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText("The first byte is 0x01, not the magic byte 0x00 of Confluent's wire format.").waitFor();
    await page.getByTestId('holders').locator('a').first().click();
    expect(await heading().textContent()).toBe('payments-value');
  });

  it('soft-deletes a version, then deletes it permanently only after a second, typed confirmation', async () => {
    await api('POST', '/subjects/scratch-value/versions', { schema: avro([{ name: 'a', type: 'int' }], 'Scratch') });
    await api('POST', '/subjects/scratch-value/versions', { schema: avro([{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 0 }], 'Scratch') });
    await newPage();
    await open('#/subjects/scratch-value?v=1');
    await page.getByRole('button', { name: 'Soft-delete version 1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Soft-delete' }).click();
    await page.getByText('Version 1 soft-deleted.').waitFor();
    expect(await api('GET', '/subjects/scratch-value/versions')).toEqual([2]);
    expect(await api('GET', '/subjects/scratch-value/versions?deleted=true')).toEqual([1, 2]);
    await page.locator('.versions li', { hasText: 'Version 1' }).getByText('soft-deleted').waitFor();

    await page.getByRole('button', { name: 'Delete version 1 permanently…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Continue' }).click();
    const second = page.getByRole('dialog');
    await second.getByRole('heading', { name: 'Really delete it permanently?' }).waitFor();
    const confirm = second.getByRole('button', { name: 'Delete permanently' });
    expect(await confirm.isDisabled()).toBe(true);
    await second.getByLabel('Type 1 to confirm').fill('1');
    await confirm.click();
    await page.getByText('Version 1 deleted permanently.').waitFor();
    expect(await api('GET', '/subjects/scratch-value/versions?deleted=true')).toEqual([2]);
    expect(await page.locator('.versions li a').allTextContents()).toEqual(['Version 2']);
  });

  it('is usable from the keyboard: / focuses the search, Tab reaches the results, Enter opens one', async () => {
    await newPage();
    await open('#/');
    await page.locator('tr[data-subject="payments-value"]').waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('q');
    await page.keyboard.type('payments');
    await page.getByText(/^1 of \d+ subjects$/).waitFor();
    // Format, Context, Soft-deleted, then the first result.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('payments-value');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    expect(await heading().textContent()).toBe('payments-value');
    // Focus moved to the new page's content, so Tab continues from there.
    expect(await page.evaluate('document.activeElement?.id')).toBe('content');
    // The confirmation dialog takes focus and Escape cancels it.
    await page.getByRole('button', { name: 'Soft-delete version 1' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await api('GET', '/subjects/payments-value/versions')).toEqual([1]);
  });

  it('fits a phone-sized window: no sideways scrolling on the list, a subject or a diff', async () => {
    await newPage({ width: 390, height: 844 });
    for (const [hash, ready] of [
      ['#/', 'payments-value'],
      ['#/subjects/orders-value', 'Referenced by'],
      ['#/subjects/orders-value/diff?a=1&b=2', 'lines added'],
    ] as const) {
      await open(hash);
      await page.getByText(ready).first().waitFor();
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow as number, hash).toBeLessThanOrEqual(0);
    }
    // Narrow screens default to the unified diff.
    expect(await page.locator('table.diff-unified').count()).toBe(1);
    await screenshot(page, 'phone-diff');
    await open('#/subjects/orders-value');
    await page.getByText('Referenced by').waitFor();
    await screenshot(page, 'phone-subject');
  });
});

describe.skipIf(!CHROMIUM)(`${SUITE}, with authentication on`, () => {
  let registry: SecureRegistry;
  let browser: Browser;
  let files: ReturnType<typeof scratchDir>;

  beforeAll(async () => {
    files = scratchDir('ui-browser-auth');
    const users = await usersFile(files.file('users.json', ''), { alice: { password: 'wonder land' } });
    registry = await startSecureRegistry(
      'pglite',
      { authMethods: ['basic', 'bearer'], usersFile: users, jwt: { ...JWT_DEFAULTS, secretFile: files.file('jwt-secret', JWT_SECRET) } },
      { ui: true },
    );
    const auth = { authorization: `Basic ${Buffer.from('alice:wonder land').toString('base64')}` };
    const { call: secureCall } = await import('../security/helpers.js');
    const res = await secureCall(registry.url, 'POST', '/subjects/secret-value/versions', { body: { schema: ORDER_V1 }, headers: auth });
    expect(res.status).toBe(200);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await registry?.close();
    files?.cleanup();
  });

  it('loads without credentials, asks for them in its own form (no browser dialog), then shows the subjects; Basic or a bearer token', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const watched = watch(page, registry.url);
    // A browser dialog for the challenge would surface as an auth request Playwright has no credentials for.
    const challenges: string[] = [];
    page.on('response', (r) => {
      const h = r.headers()['www-authenticate'];
      if (h) challenges.push(`${r.url()} ${h}`);
    });
    try {
      await page.goto(`${registry.url}/ui/`);
      await page.getByRole('heading', { name: 'Sign in to the registry' }).waitFor();
      await page.getByText('The registry answered: Unauthorized: authentication required').waitFor();
      await screenshot(page, 'sign-in');
      await page.getByLabel('User name', { exact: true }).fill('alice');
      await page.getByLabel('Password', { exact: true }).fill('not it');
      await page.getByRole('button', { name: 'Sign in' }).last().click();
      await page.getByText('Unauthorized: invalid user name or password (error 401)').waitFor();
      await page.getByLabel('Password', { exact: true }).fill('wonder land');
      await page.getByRole('button', { name: 'Sign in' }).last().click();
      await page.getByRole('link', { name: 'secret-value' }).waitFor();
      await page.getByText('Signed in as alice').waitFor();
      await page.getByRole('link', { name: 'secret-value' }).click();
      await page.getByRole('heading', { name: 'Version 1' }).waitFor();
      // Signing out forgets the credentials: the next read asks again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to the registry' }).waitFor();
      // A bearer token works the same way.
      const token = await new SignJWT({ sub: 'svc-ui' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(JWT_SECRET));
      await page.getByLabel('Bearer token (JWT)').check();
      await page.getByLabel('Token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).last().click();
      await page.getByText('Signed in as bearer token').waitFor();
      await page.getByRole('heading', { name: 'Version 1' }).waitFor();
      expect(challenges).toEqual([]);
      // The only console errors are the browser's notes of the 401 answers themselves.
      expect(watched.errors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e))).toEqual([]);
      expect(watched.errors.length).toBeGreaterThan(0);
      expect(watched.external).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
