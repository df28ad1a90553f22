/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against the real
 * app, a fake Acumatica instance and a webhook receiver: every flow of the issue, through the UI,
 * asserting what the user sees. Each step goes on from the one before (one signed-in tab). The
 * screenshots are saved on the way (see SCREENSHOTS: docs/console/ with UPDATE_SCREENSHOTS=1).
 */
import { randomBytes } from 'node:crypto';
import { FakeAcumatica, HttpClient, HttpResult, waitFor } from '@tablecast/testing';
import { Locator, Page } from 'playwright-core';
import { notification } from './support/acumatica';
import { Browser, launchBrowser } from './support/browser';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { Receiver } from './webhooks/receiver';

const PUBLIC_BASE_URL = 'https://api.tablecast.example/v2.0';
const ENV = {
  ALLOW_PRIVATE_NETWORK: 'true', // the fake Acumatica and the webhook receiver listen on 127.0.0.1
  SECRETS_KEY: randomBytes(32).toString('base64'),
  PUBLIC_BASE_URL,
  ACUMATICA_PAGE_SIZE: '100',
  ACUMATICA_BACKOFF_MS: '20',
  RELOAD_SWEEP_MS: '500',
  WEBHOOK_SWEEP_MS: '200',
  WEBHOOK_RETRY_SCALE: '0.00002',
};

describe('the web console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let fake: FakeAcumatica;
  let receiver: Receiver;
  /** Filled in as the flow goes. */
  const state = { orgId: '', solutionId: '', pushToken: '', cdcPath: '' };

  beforeAll(async () => {
    [t, fake, receiver] = await Promise.all([bootTestApp({ env: ENV }), FakeAcumatica.start(), Receiver.start()]);
    browser = await launchBrowser();
    page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), fake?.close(), receiver?.close()]);
  });

  const heading = (name: string) => page.getByRole('heading', { name, exact: true, level: 1 });
  const row = (table: string, text: string | RegExp): Locator =>
    page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });
  /** The rows of a table that have a cell reading exactly `text`. */
  const rowWithCell = (table: string, text: string): Locator =>
    page
      .getByRole('table', { name: table })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: text, exact: true }) });
  /** Lists that do not update live (written off the request path, or by a worker): refresh until `locator` shows. */
  const refreshUntilShown = (locator: Locator, refresh: string) =>
    waitFor(
      async () => {
        if ((await locator.count()) > 0) return true;
        await page.getByRole('button', { name: refresh, exact: true }).click();
        return false;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: `${locator} after "${refresh}"` },
    );
  const tab = (name: string) => page.getByRole('tab', { name, exact: true });
  /** Posts a notification to the CDC URL the page shows (on this test server's address), as Acumatica would. */
  const push = (table: string, body: string): Promise<HttpResult> =>
    new HttpClient(t.url, state.pushToken).post(`${state.cdcPath}${table}`, body, { 'content-type': 'application/json' });
  const customer = (id: string, name: string) => ({ CustomerID: id, CustomerName: name, Status: 'Active', _tab: 'Customer' });

  it('serves the page with its security headers, and signs in with the operator token', async () => {
    const served = await fetch(`${t.url}/console/orgs/anything`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^text\/html/);
    expect(served.headers.get('cache-control')).toBe('no-cache');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'self'");

    await page.goto(`${t.url}/console`);
    expect(page.url()).toBe(`${t.url}/console/`);
    await page.getByLabel('Token', { exact: true }).fill('not-the-operator-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /credentials|token/i })
      .waitFor();
    await browser.screenshot('sign-in');

    await page.getByLabel('Token', { exact: true }).fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Organizations').waitFor();
    expect(await page.locator('header').textContent()).toContain('Operator');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('tablecast.token')")).toBe(TEST_ADMIN_TOKEN);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('creates an organization, a solution and a cdc:push token', async () => {
    await page.getByLabel('Organization name').fill('Harbor Foods');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('link', { name: 'Harbor Foods' }).waitFor();
    await browser.screenshot('organizations');

    await page.getByRole('link', { name: 'Harbor Foods' }).click();
    await heading('Harbor Foods').waitFor();
    state.orgId = /\/console\/orgs\/([0-9a-f-]{36})$/.exec(page.url())![1];
    await page.getByRole('heading', { name: 'Solutions' }).waitFor();
    await page.getByLabel('Solution name').fill('Field service');
    await page.getByRole('button', { name: 'Create solution' }).click();
    await page.getByRole('link', { name: 'Field service' }).waitFor();

    await page.getByLabel('Token name').fill('Acumatica push');
    for (const scope of ['data:read', 'data:write', 'org:admin']) await page.getByLabel(scope, { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Create token' }).click();
    state.pushToken = await page.getByRole('textbox', { name: 'New token' }).inputValue();
    expect(state.pushToken).toMatch(/^tcp_/);
    await row('Tokens', 'Acumatica push').filter({ hasText: 'cdc:push' }).waitFor();

    await page.getByLabel('Token name').fill('Old phone');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('button', { name: 'Revoke Old phone' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await row('Tokens', 'Old phone').filter({ hasText: 'revoked' }).waitFor();
    await browser.screenshot('organization');
  });

  it('shows the solution’s CDC URL; a pushed notification creates the table', async () => {
    await page.getByRole('link', { name: 'Field service' }).click();
    await heading('Field service').waitFor();
    state.solutionId = /\/solutions\/([0-9a-f-]{36})$/.exec(page.url())![1];
    const cdcUrl = await page.getByLabel('CDC URL').inputValue();
    expect(cdcUrl).toBe(`${PUBLIC_BASE_URL}/tool/organizations/${state.orgId}/solutions/${state.solutionId}/acumatica/cdc?table=`);
    state.cdcPath = cdcUrl.slice(new URL(PUBLIC_BASE_URL).origin.length);
    await page.getByRole('button', { name: 'Copy CDC URL' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Authorization: Bearer <token>');
    await page.getByText('No tables yet: push a notification to the CDC URL or create one.').waitFor();
    for (const name of ['Tables', 'Deliveries', 'Connections', 'Webhooks']) await tab(name).waitFor();

    const first = await push('Customers', notification({ inserted: [customer('C000000101', 'Harbor Street Bakery')] }));
    expect(first.status).toBe(200);
    await page.reload();
    await page.getByRole('link', { name: 'Customers' }).waitFor();
    await browser.screenshot('solution');
  });

  it('shows records, and a pushed notification’s changes live, without reloading the page', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    await heading('Customers').waitFor();
    await row('Records', 'C000000101').waitFor();
    await page.evaluate('window.notReloaded = true');

    const second = await push(
      'Customers',
      notification({ inserted: [customer('C000000102', 'Dockside Deli'), customer('C000000101', 'Harbor Street Bakery & Café')] }),
    );
    expect(second.status).toBe(200);
    await row('Records', 'C000000102').filter({ hasText: 'Dockside Deli' }).waitFor();
    await row('Records', 'C000000101').filter({ hasText: 'Bakery & Café' }).waitFor();

    await page.getByRole('button', { name: 'C000000101', exact: true }).click();
    const details = page.getByRole('region', { name: 'Record C000000101' });
    await details.getByText(/#1 insert/).waitFor();
    await details.getByText(/#3 update/).waitFor();
    await browser.screenshot('table-records');

    await tab('Changes').click();
    await page.getByRole('status', { name: 'Feed status' }).filter({ hasText: 'live' }).waitFor();
    const log = page.getByRole('log', { name: 'Live changes' });
    await log.getByText('#3 update C000000101').waitFor();
    const third = await push('Customers', notification({ deleted: [customer('C000000102', 'Dockside Deli')] }));
    expect(third.status).toBe(200);
    await log.getByText('#4 delete C000000102').waitFor();
    const feed = await log.getByRole('listitem').allTextContents();
    expect(feed.map((line) => /^#\d+ \w+ \S+/.exec(line)?.[0])).toEqual([
      '#4 delete C000000102',
      '#3 update C000000101',
      '#2 insert C000000102',
      '#1 insert C000000101',
    ]);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await browser.screenshot('table-changes');

    await tab('Activity').click();
    await page.getByRole('figure', { name: 'Changes per minute' }).waitFor();
    await page.getByRole('figure', { name: 'Ingest latency' }).waitFor();
    await browser.screenshot('table-activity');
  });

  it('opens a failed delivery and shows its problem as the API wrote it', async () => {
    const failed = await push('Customers', '{"Inserted": 1, "Deleted": []}');
    expect(failed.status).toBe(400);
    const detail: string = failed.body.detail;
    expect(detail).toBeTruthy();

    await page.goto(`${t.url}/console/orgs/${state.orgId}/solutions/${state.solutionId}?tab=deliveries`);
    await tab('Deliveries').waitFor();
    // The audit is written in batches off the request path: the failure shows within a moment.
    const failedRow = rowWithCell('Deliveries', '400');
    await refreshUntilShown(failedRow, 'Refresh');
    await failedRow.getByRole('button', { name: 'Details' }).click();
    const region = page.getByRole('region', { name: 'Delivery details' });
    await region.getByText(detail, { exact: true }).waitFor();
    await browser.screenshot('deliveries');

    await rowWithCell('Deliveries', '200').first().getByRole('button', { name: 'Details' }).click();
    await region.getByText(/Inserted \d+, updated \d+, deleted \d+/).waitFor();
  });

  it('creates a connection to the test Acumatica server, tests it, starts a reload and watches it finish', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(250));
    await tab('Connections').click();
    const fields: Record<string, string> = {
      'Connection name': 'Harbor ERP',
      'Instance URL': fake.url,
      Tenant: fake.tenant,
      'Client ID': fake.credentials.clientId,
      'Client secret': fake.credentials.clientSecret,
      Username: fake.credentials.username,
      Password: fake.credentials.password,
    };
    for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Create connection' }).click();
    const connection = row('Connections', 'Harbor ERP');
    await connection.getByRole('button', { name: 'Test connection' }).click();
    await connection.getByText('Connection OK').waitFor();

    await page.goto(`${t.url}/console/orgs/${state.orgId}/solutions/${state.solutionId}/tables/Customers?tab=source`);
    await page.getByLabel('Connection', { exact: true }).selectOption({ label: 'Harbor ERP' });
    await page.getByLabel('Generic Inquiry').fill('TC-Customers');
    await page.getByLabel('Key fields').fill('CustomerID');
    await page.getByRole('button', { name: 'Save source' }).click();
    await page.getByText('Source saved.').waitFor();

    // The second page of the inquiry waits for the test: the reload is seen running before it is let finish.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    fake.onPage = (skip) => (skip > 0 ? held : undefined);
    await page.getByRole('button', { name: 'Start full reload' }).click();
    const running = rowWithCell('Reloads', 'running');
    await running.getByRole('progressbar', { name: 'Reload progress' }).waitFor();
    await running.getByText(/100 rows read in 1 page/).waitFor();
    await browser.screenshot('reload-running');
    release();

    const done = rowWithCell('Reloads', 'succeeded');
    await done.getByText(/inserted 250, updated 0, deleted 0/).waitFor({ timeout: 30_000 });
    expect(await done.getByRole('progressbar', { name: 'Reload progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(await done.textContent()).toContain('full');
    await browser.screenshot('reloads');
  });

  it('creates a webhook and shows its attempts, failed and delivered', async () => {
    let calls = 0;
    receiver.reply = () => (++calls === 1 ? { status: 503, body: 'busy' } : { status: 200 });
    await page.goto(`${t.url}/console/orgs/${state.orgId}/solutions/${state.solutionId}?tab=webhooks`);
    const url = `${receiver.url}/hooks/tablecast`;
    await page.getByLabel('Webhook URL').fill(url);
    await page.getByLabel('Tables', { exact: true }).fill('Orders');
    await page.getByLabel('Description').fill('ERP mirror');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    expect(await page.getByRole('textbox', { name: 'Webhook secret' }).inputValue()).toMatch(/^whsec_/);
    await page.getByRole('link', { name: url }).click();
    await heading(url).waitFor();
    await page.getByText('No attempts yet: they appear when a table of this webhook changes.').waitFor();

    expect((await push('Orders', notification({ inserted: [{ OrderNbr: 'SO0001', Status: 'Open' }] }))).status).toBe(200);
    await receiver.waitForSeqs('Orders', 1);
    await refreshUntilShown(rowWithCell('Attempts', '503').filter({ hasText: 'HTTP 503: busy' }), 'Refresh attempts');
    await refreshUntilShown(rowWithCell('Attempts', '200'), 'Refresh attempts');
    expect(await rowWithCell('Attempts', '503').getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      'Orders',
      '#1–#1',
      '1',
      '503',
      'HTTP 503: busy',
      expect.stringMatching(/^\d+ ms$/),
    ]);
    await browser.screenshot('webhook-attempts');
  });

  it('signs out; an organization’s read-only token lands on its organization and sees no admin controls; revoked, it is signed out', async () => {
    const operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
    const reader = await operator.post(`/tool/organizations/${state.orgId}/tokens`, { name: 'Field phone', scopes: ['data:read'] });
    expect(reader.status).toBe(201);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Tablecast' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('tablecast.token')")).toBeNull();
    await page.goto(`${t.url}/console/`);

    await page.getByLabel('Token', { exact: true }).fill(reader.body.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Harbor Foods').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/orgs/${state.orgId}`);
    expect(await page.locator('header').textContent()).toMatch(/Field phone.*data:read/);
    await page.getByRole('link', { name: 'Field service' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Tokens' }).count()).toBe(0);
    expect(await page.getByLabel('Solution name').count()).toBe(0);

    expect((await operator.delete(`/tool/organizations/${state.orgId}/tokens/${reader.body.id}`)).status).toBe(204);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Tablecast' }).waitFor();
    await page.getByRole('alert').waitFor();
  });

  it('ran without a Content-Security-Policy violation or an uncaught error', () => {
    expect(browser.errors.filter((line) => /Content Security Policy|uncaught/i.test(line))).toEqual([]);
  });
});
