import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, inheritedEnv } from './testing/amber-cli.js';
import { apiAs, startServerProcess, type Api, type ServerProcess } from './testing/amber-server.js';
import { backUp, otherVaults, registerAgent } from './testing/console-fixtures.js';
import { CHROMIUM, fileExists, launchBrowser, openPage, screenshot, type WatchedPage } from './testing/browser.js';
import {
  assertFitsWidth,
  dataLockModeOf,
  focusIsInside,
  navigateTo,
  rowOf,
  signIn,
  signOut,
  waitForLockMode,
  type BrowserGlobals,
} from './testing/console-steps.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'console');
/** The README's screenshot, committed; rewritten only when AMBER_UPDATE_SCREENSHOTS=1 (its temp paths change each run). */
const README_SHOT = path.join(REPO_ROOT, 'docs', 'images', 'console-vaults.png');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };
const PASSWORD = { admin: 'admin-password-long', sec1: 'sec1-password-long', sec2: 'sec2-password-long' };
const PASSPHRASE = 'console-e2e-passphrase';
const VAULT = 'ledger';

/**
 * The web console in a real Chromium against a real `amber server` on 127.0.0.1: sign in, create a
 * vault, enable immutability, lock it through the confirmation and see Locked, see a point's deletion
 * refused, request an operation as one user and approve it as another, read the audit trail, and use
 * it at phone width. Any console error, CSP violation or page error fails the suite.
 */
describe('the web console in Chromium', async () => {
  const ready =
    (await fileExists(CHROMIUM)) && (await fileExists(path.join(REPO_ROOT, 'dist', 'console', 'index.html')));
  // In CI the suite must run; elsewhere it says what is missing and skips.
  const skip = ready || inheritedEnv()['CI'] !== undefined ? false : `needs ${CHROMIUM} and npm run build:console`;

  let root: string;
  let server: ServerProcess;
  let admin: Api;
  let browser: Browser;
  let desk: WatchedPage;
  let pointId: string;
  let phone: WatchedPage | undefined;

  /** A test of the suite; when it fails, the page it used is saved as test-artifacts/console/failed-*.png. */
  const step = (name: string, body: () => Promise<void>, page: () => Page = () => desk.page): void => {
    it(name, { skip }, async () => {
      try {
        await body();
      } catch (error) {
        const file = `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
        await screenshot(page(), ARTIFACTS, file).catch(() => undefined);
        throw error;
      }
    });
  };

  before(async () => {
    if (skip !== false) return;
    root = await makeTempDir('console');
    server = await startServerProcess({ dataDir: path.join(root, 'data') });
    admin = apiAs(server.url, server.adminToken);
    assert.equal((await admin('PATCH', '/api/v1/users/admin', { password: PASSWORD.admin })).status, 200);
    for (const name of ['sec1', 'sec2'] as const) {
      const made = await admin('POST', '/api/v1/users', { name, role: 'security-officer', password: PASSWORD[name] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    await otherVaults(admin);
    browser = await launchBrowser();
    desk = await openPage(browser, DESKTOP);
  });

  after(async () => {
    if (skip !== false) return;
    await browser?.close();
    await server?.stop();
    await removeTree(root);
  });

  step('signs in with user and password, keeping the token in this tab only', async () => {
    const { page, watch } = desk;
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, ARTIFACTS, 'desktop-sign-in');
    watch.expectRefusal(401, /^\/api\/v1\/auth\/login$/);
    await page.getByLabel('User').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'LOGIN_FAILED' }).waitFor();
    await signIn(page, 'admin', PASSWORD.admin);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as BrowserGlobals;
      const key = g.sessionStorage.key(0);
      return {
        keys: g.sessionStorage.length,
        local: g.localStorage.length,
        value: key === null ? '' : (g.sessionStorage.getItem(key) ?? ''),
        url: g.location.href,
      };
    });
    assert.equal(stored.keys, 1);
    assert.equal(stored.local, 0, 'nothing in localStorage');
    assert.match(stored.value, /"token":"amber_/);
    assert.doesNotMatch(stored.url, /amber_/, 'the token is never in a URL');
    watch.assertClean();
  });

  step('creates a vault and shows its preflight', async () => {
    const { page, watch } = desk;
    await navigateTo(page, 'Vaults');
    await page.getByRole('button', { name: 'Create vault' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a vault' });
    await dialog.getByLabel('Name').fill(VAULT);
    await dialog.getByRole('button', { name: 'Create vault' }).click();
    const created = page.getByTestId('vault-created');
    await created.getByTestId('preflight').waitFor();
    assert.match(await created.innerText(), /Preflight of/);
    assert.ok((await created.locator('.checks li').count()) > 0, 'the preflight lists its checks');
    assert.equal(await dataLockModeOf(page, VAULT), 'Disabled');
    watch.assertClean();
  });

  step('creates a policy and a protected item, then a CLI backup adds a point', async () => {
    const { page, watch } = desk;
    await rowOf(page.getByTestId('vaults-table'), VAULT).getByRole('link', { name: VAULT }).click();
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('button', { name: 'Create policy' }).click();
    const form = page.getByTestId('policy-form');
    await form.getByLabel('Name').fill('daily');
    await form.getByLabel('Keep (days)').fill('30');
    await form.getByLabel('Schedule (cron, 5 fields)').fill('0 2 * * *');
    await form.getByLabel('Time zone').fill('UTC');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await rowOf(page.getByTestId('policies-table'), 'daily').filter({ hasText: 'Keep 30 days' }).waitFor();

    await page.getByRole('link', { name: 'Protected items' }).click();
    await page.getByRole('button', { name: 'Add item' }).click();
    const add = page.getByRole('dialog', { name: 'Add a protected item' });
    await add.getByLabel('Name').fill('docs');
    await add.getByLabel("Paths on the agent's host (one per line)").fill('/srv/docs');
    await add.getByRole('button', { name: 'Add item' }).click();
    await rowOf(page.getByTestId('items-table'), 'docs').waitFor();

    pointId = await backUp(server, admin, root, VAULT, PASSPHRASE);
    watch.assertClean();
  });

  step('enables immutability, then locks the vault through the confirmation and shows Locked', async () => {
    const { page, watch } = desk;
    await page.getByRole('link', { name: 'Immutability & settings' }).click();
    const toggle = page.getByRole('switch', { name: 'Immutability' });
    await toggle.click();
    await page.locator('[role="switch"][aria-checked="true"]').waitFor();
    await waitForLockMode(page, 'Enabled');

    await page.getByRole('button', { name: 'Lock…' }).click();
    const dialog = page.getByRole('dialog', { name: `Lock vault ${VAULT}?` });
    assert.match(await dialog.innerText(), /Locking is irreversible/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Lock…' }).click();
    for (let i = 0; i < 12; i += 1) await page.keyboard.press('Tab');
    assert.ok(await focusIsInside(dialog), 'Tab stays inside the dialog');

    const submit = dialog.getByRole('button', { name: 'Lock the vault' });
    await dialog.getByLabel('Cooling-off period (hours)').fill('0');
    await dialog.getByLabel('I understand that this lock cannot be undone').check();
    await dialog.getByLabel(`Type the vault name (${VAULT}) to confirm`).fill('ledgr');
    assert.equal(await submit.isDisabled(), true, 'a mistyped name does not lock');
    await dialog.getByLabel(`Type the vault name (${VAULT}) to confirm`).fill(VAULT);
    await screenshot(page, ARTIFACTS, 'desktop-lock-dialog');
    await submit.click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForLockMode(page, 'Locked');
    assert.equal(await toggle.isDisabled(), true, 'a locked vault cannot be switched off');

    await navigateTo(page, 'Vaults');
    assert.equal(await dataLockModeOf(page, VAULT), 'Locked');
    assert.equal(await dataLockModeOf(page, 'archive'), 'Enabled');
    assert.match(await dataLockModeOf(page, 'finance'), /^Locking until \d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.match(await rowOf(page.getByTestId('vaults-table'), 'archive').innerText(), /30 days\s+3650 days/);
    await screenshot(page, ARTIFACTS, 'desktop-vaults');
    if (inheritedEnv()['AMBER_UPDATE_SCREENSHOTS'] === '1') {
      await mkdir(path.dirname(README_SHOT), { recursive: true });
      await page.screenshot({ path: README_SHOT });
    }
    watch.assertClean();
  });

  step('grows a policy of the locked vault, and shows the rule when a reduction is refused', async () => {
    const { page, watch } = desk;
    await page.goto(`${server.url}/vaults/${VAULT}/policies`);
    const table = page.getByTestId('policies-table');
    await rowOf(table, 'daily').getByRole('button', { name: 'Edit policy daily' }).click();
    const form = page.getByTestId('policy-form');
    assert.match(await form.innerText(), /Immutability is on/);
    await form.getByLabel('Keep (days)').fill('10');
    watch.expectRefusal(409, new RegExp(`^/api/v1/vaults/${VAULT}/policies/daily$`));
    await form.getByRole('button', { name: 'Save policy' }).click();
    const refusal = form.getByRole('alert');
    await refusal.filter({ hasText: 'RETENTION_REDUCTION_BLOCKED' }).waitFor();
    assert.match(await refusal.innerText(), /locked \(compliance mode\), so retention can only grow/);
    await screenshot(page, ARTIFACTS, 'desktop-policy-reduction-refused');
    await form.getByLabel('Keep (days)').fill('45');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await rowOf(table, 'daily').filter({ hasText: 'Keep 45 days' }).waitFor();
    watch.assertClean();
  });

  step("refuses to delete a point of the locked vault and shows the server's reason", async () => {
    const { page, watch } = desk;
    await page.goto(`${server.url}/vaults/${VAULT}/points`);
    await page.getByTestId('retention-timeline').locator('svg[role="img"]').waitFor();
    const row = page.locator(`[data-point="${pointId}"]`);
    await row.getByRole('button', { name: /^Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete a recovery point?' });
    watch.expectRefusal(409, new RegExp(`^/api/v1/vaults/${VAULT}/points/`));
    await dialog.getByRole('button', { name: 'Delete the point' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    const text = await refusal.innerText();
    assert.match(text, /Refused/);
    assert.match(text, /RETENTION_ACTIVE|VAULT_LOCKED|POINT_LOCKED/);
    assert.match(text, /until|locked/i, text);
    await screenshot(page, ARTIFACTS, 'desktop-point-delete-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await row.waitFor();
    await screenshot(page, ARTIFACTS, 'desktop-points');
    watch.assertClean();
  });

  step(
    'turns approvals on, cancels a lock in its cooling-off, then asks for an approval another user grants',
    async () => {
      const { page, watch } = desk;
      await navigateTo(page, 'Approvals');
      const settings = page.getByRole('region', { name: 'Approval settings' });
      await settings.getByLabel('Require approvals for protected operations').check();
      await settings.getByLabel('Approvals needed').fill('1');
      await settings.getByRole('button', { name: 'Save approval settings' }).click();
      await settings.getByText('Approval settings saved.').waitFor();
      const saved = await admin<{ enabled: boolean; requiredApprovals: number }>('GET', '/api/v1/approvals/settings');
      assert.deepEqual([saved.body.enabled, saved.body.requiredApprovals], [true, 1]);

      await page.goto(`${server.url}/vaults/default`);
      await page.getByRole('switch', { name: 'Immutability' }).click();
      await page.getByRole('button', { name: 'Lock…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lock vault default?' });
      await dialog.getByLabel('Cooling-off period (hours)').fill('24');
      await dialog.getByLabel('I understand that this lock cannot be undone').check();
      await dialog.getByLabel('Type the vault name (default) to confirm').fill('default');
      await dialog.getByRole('button', { name: 'Lock the vault' }).click();
      await waitForLockMode(page, /^Locking until \d{4}-\d\d-\d\d \d\d:\d\d$/);
      await page.getByRole('button', { name: 'Cancel the lock' }).click();
      await waitForLockMode(page, 'Enabled');

      watch.expectRefusal(428, /^\/api\/v1\/vaults\/default\/immutability\/disable$/);
      await page.getByRole('switch', { name: 'Immutability' }).click();
      const notice = page.getByTestId('approval-required');
      await notice.waitFor();
      assert.match(await notice.innerText(), /Approval required/);
      const approvalId = await notice.getByTestId('approval-id').innerText();
      assert.match(approvalId, /^apr_[0-9a-f]{24}$/);
      await screenshot(page, ARTIFACTS, 'desktop-approval-required');

      await signOut(page);
      await page.getByTestId('session-notice').filter({ hasText: 'signed out' }).waitFor();
      await signIn(page, 'sec1', PASSWORD.sec1);
      await navigateTo(page, 'Approvals');
      const card = page.locator(`[data-approval="${approvalId}"]`);
      assert.match(await card.innerText(), /user:admin/);
      await card.getByLabel('Comment').fill('planned migration, checked with the owner');
      await screenshot(page, ARTIFACTS, 'desktop-approvals');
      await card.getByRole('button', { name: 'Approve' }).click();
      await page.getByLabel('Show').selectOption('');
      await page
        .locator(`[data-approval="${approvalId}"]`)
        .getByTestId('approval-status')
        .filter({ hasText: 'executed' })
        .waitFor();
      const vault = await admin<{ state: string }>('GET', '/api/v1/vaults/default');
      assert.equal(vault.body.state, 'disabled', 'the approved operation ran');
      watch.assertClean();
    },
  );

  step(
    'sets a legal hold as a security officer: the timeline marks it, and its release needs an approval',
    async () => {
      const { page, watch } = desk;
      await page.goto(`${server.url}/vaults/${VAULT}/points`);
      const row = page.locator(`[data-point="${pointId}"]`);
      await row.getByRole('button', { name: /^Details/ }).click();
      const dialog = page.getByRole('dialog', { name: /^Recovery point / });
      await dialog.getByLabel('Reason').fill('litigation hold 2026-114');
      await dialog.getByRole('button', { name: 'Set a legal hold' }).click();
      await dialog.getByText('Legal hold set.').waitFor();
      await dialog.getByTestId('point-hold').filter({ hasText: 'yes — litigation hold 2026-114 (since' }).waitFor();
      watch.expectRefusal(428, new RegExp(`^/api/v1/vaults/${VAULT}/points/[0-9a-f]+/hold$`));
      await dialog.getByRole('button', { name: 'Release the legal hold' }).click();
      await dialog.getByTestId('approval-required').waitFor();
      await screenshot(page, ARTIFACTS, 'desktop-point-details');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('retention-timeline').locator('.hold-flag').first().waitFor();
      await row.getByText('held').waitFor();
      await screenshot(page, ARTIFACTS, 'desktop-points-held');
      watch.assertClean();
    },
  );

  step('shows the audit trails with filters, chain status and export', async () => {
    const { page, watch } = desk;
    await navigateTo(page, 'Audit trail');
    await page.getByLabel('Action (prefix)').fill('approval');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByTestId('audit-table');
    await table.getByText('approval.approve').first().waitFor();
    assert.match(await table.innerText(), /user:sec1/);

    await page.getByLabel('Trail').selectOption(VAULT);
    await page.getByTestId('chain-status').filter({ hasText: 'Chain intact' }).waitFor();
    await page.getByLabel('Action (prefix)').fill('');
    await page.getByLabel('Outcome').selectOption('refused');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await table.getByText('point.delete').first().waitFor();
    await page.getByLabel('Outcome').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await table.getByText('immutability.locked').first().waitFor();
    await screenshot(page, ARTIFACTS, 'desktop-audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const file = path.join(root, 'audit.csv');
    await download.saveAs(file);
    const csv = await readFile(file, 'utf8');
    assert.match(csv.split('\n')[0] ?? '', /seq/);
    assert.match(csv, /immutability\.locked/);
    watch.assertClean();
  });

  step(
    'restores onto an agent, stops protection, and shows jobs with progress and item health (an agent played over the API)',
    async () => {
      const { page, watch } = desk;
      await signOut(page);
      await signIn(page, 'admin', PASSWORD.admin);
      const agent = await registerAgent(server, admin, VAULT);
      await page.goto(`${server.url}/vaults/${VAULT}/items`);
      watch.expectRefusal(400, new RegExp(`^/api/v1/vaults/${VAULT}/items/docs/backup$`));
      await page.getByRole('button', { name: 'Back up now docs' }).click();
      await page.getByRole('alert').filter({ hasText: 'has no agent to run its backups' }).waitFor();

      await page.getByRole('button', { name: 'Add item' }).click();
      const add = page.getByRole('dialog', { name: 'Add a protected item' });
      await add.getByLabel('Name').fill('site');
      await add.getByLabel("Paths on the agent's host (one per line)").fill('/var/www');
      await add.getByLabel('Agent', { exact: true }).selectOption('web-01');
      await add.getByRole('button', { name: 'Add item' }).click();
      await rowOf(page.getByTestId('items-table'), 'site').filter({ hasText: 'web-01' }).waitFor();
      await page.getByRole('button', { name: 'Back up now site' }).click();
      await page.getByRole('status').filter({ hasText: 'for agent web-01' }).waitFor();

      const job = await agent<{ id: string }>('POST', '/api/v1/agents/me/jobs/claim');
      assert.equal(job.status, 200, JSON.stringify(job.body));
      const progress = { filesDone: 3, filesTotal: 10, bytesDone: 512, bytesTotal: 2048 };
      assert.equal((await agent('POST', `/api/v1/jobs/${job.body.id}/progress`, progress)).status, 200);
      await navigateTo(page, 'Dashboard');
      const bar = page.getByRole('progressbar', { name: 'Progress of backup site' });
      await bar.waitFor();
      assert.deepEqual([await bar.getAttribute('value'), await bar.getAttribute('max')], ['512', '2048']);
      await screenshot(page, ARTIFACTS, 'desktop-dashboard-running');

      const finish = { status: 'failed', message: 'disk unreadable: /var/www/cache' };
      assert.equal((await agent('POST', `/api/v1/jobs/${job.body.id}/finish`, finish)).status, 200);
      await page.getByTestId('jobs').getByText('disk unreadable: /var/www/cache').waitFor();
      await navigateTo(page, 'Vaults');
      await navigateTo(page, 'Dashboard');
      const health = page.getByTestId('health');
      await health.getByRole('link', { name: `${VAULT} / site` }).waitFor();
      assert.match(await health.innerText(), /1\s+failed/);
      await screenshot(page, ARTIFACTS, 'desktop-dashboard');

      await page.goto(`${server.url}/vaults/${VAULT}/points`);
      await page
        .locator(`[data-point="${pointId}"]`)
        .getByRole('button', { name: /^Details/ })
        .click();
      const details = page.getByRole('dialog', { name: /^Recovery point / });
      await details.getByLabel('Agent', { exact: true }).selectOption('web-01');
      await details.getByLabel("Target directory on the agent's host").fill('/srv/restored/docs');
      await details.getByRole('button', { name: 'Restore' }).click();
      await details
        .getByRole('status')
        .filter({ hasText: /Restore queued as job job_\w+ for agent web-01/ })
        .waitFor();
      await page.keyboard.press('Escape');
      const restore = await agent<{ kind: string; params: { target: string } }>('POST', '/api/v1/agents/me/jobs/claim');
      assert.deepEqual([restore.body.kind, restore.body.params.target], ['restore', '/srv/restored/docs']);

      await page.getByRole('link', { name: 'Protected items' }).click();
      await page.getByRole('button', { name: 'Stop protection of docs' }).click();
      const stop = page.getByRole('dialog', { name: 'Stop protecting docs' });
      await stop.getByLabel(/^Delete the data/).check();
      watch.expectRefusal(409, new RegExp(`^/api/v1/vaults/${VAULT}/items/docs/stop$`));
      await stop.getByRole('button', { name: 'Stop protection' }).click();
      assert.match(await stop.getByRole('alert').innerText(), /Refused/);
      await stop.getByLabel(/^Retain the data/).check();
      await stop.getByRole('button', { name: 'Stop protection' }).click();
      await stop.getByText('Protection of docs stopped').waitFor();
      await stop.getByRole('button', { name: 'Close', exact: true }).last().click();
      await rowOf(page.getByTestId('items-table'), 'docs').getByText('Stopped (data retained)').waitFor();

      await navigateTo(page, 'Users');
      await page.getByRole('button', { name: 'Create user' }).click();
      const create = page.getByRole('dialog', { name: 'Create a user' });
      await create.getByLabel('Name').fill('ops');
      await create.getByLabel('Role').selectOption('operator');
      await create.getByLabel('Password').fill('ops-password-long');
      await create.getByRole('button', { name: 'Create user' }).click();
      await page.getByLabel('Role of ops').selectOption('auditor');
      // The select shows the server's answer once the change is saved and the list reloaded.
      await page.waitForFunction(() => {
        type Select = { readonly disabled: boolean; readonly value: string };
        const g = globalThis as unknown as { document: { querySelector(selector: string): Select | null } };
        const select = g.document.querySelector('select[aria-label="Role of ops"]');
        return select !== null && !select.disabled && select.value === 'auditor';
      });
      const users = await admin<{ name: string; role: string }[]>('GET', '/api/v1/users');
      assert.equal(users.body.find((u) => u.name === 'ops')?.role, 'auditor');
      await screenshot(page, ARTIFACTS, 'desktop-users');
      watch.assertClean();
    },
  );

  step('sends a user whose token was revoked back to sign-in with a message', async () => {
    const { page, watch } = desk;
    const tokens = await admin<{ id: string; principal: string; label: string; revokedAt: unknown }[]>(
      'GET',
      '/api/v1/tokens',
    );
    const live = tokens.body.filter((t) => t.principal === 'admin' && t.label === 'login' && t.revokedAt === null);
    assert.ok(live.length > 0, JSON.stringify(tokens.body));
    for (const token of live) assert.equal((await admin('DELETE', `/api/v1/tokens/${token.id}`)).status, 200);
    watch.expectRefusal(401, /^\/api\/v1\//);
    await navigateTo(page, 'Vaults').catch(() => undefined);
    await page.getByTestId('session-notice').filter({ hasText: 'Your session ended' }).waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    watch.assertClean();
    await desk.context.close();
  });

  step(
    'works at phone width: menu, tables and the timeline fit the screen',
    async () => {
      phone = await openPage(browser, PHONE);
      const { page, watch } = phone;
      await page.goto(server.url + '/vaults');
      await screenshot(page, ARTIFACTS, 'phone-sign-in');
      await signIn(page, 'admin', PASSWORD.admin);
      await page.getByTestId('vaults-table').waitFor();
      await assertFitsWidth(page, PHONE.width);
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false, 'the menu starts closed');
      await page.getByRole('button', { name: 'Menu' }).click();
      await screenshot(page, ARTIFACTS, 'phone-menu');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByTestId('storage-chart').waitFor();
      await assertFitsWidth(page, PHONE.width);
      await screenshot(page, ARTIFACTS, 'phone-dashboard');
      await page.goto(`${server.url}/vaults/${VAULT}/points`);
      await page.getByTestId('retention-timeline').waitFor();
      await assertFitsWidth(page, PHONE.width);
      await screenshot(page, ARTIFACTS, 'phone-points');
      await page.goto(`${server.url}/vaults/${VAULT}`);
      await waitForLockMode(page, 'Locked');
      await assertFitsWidth(page, PHONE.width);
      await screenshot(page, ARTIFACTS, 'phone-vault');
      await navigateTo(page, 'Vaults');
      await screenshot(page, ARTIFACTS, 'phone-vaults');
      watch.assertClean();
      await phone.context.close();
    },
    () => phone?.page ?? desk.page,
  );
});
