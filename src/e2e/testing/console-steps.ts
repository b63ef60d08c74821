import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/**
 * The few browser globals the tests read inside page.evaluate (the main tsconfig has no DOM types;
 * type assertions vanish when the function is sent to the page, so only globalThis is referenced).
 */
export interface BrowserGlobals {
  readonly document: { readonly documentElement: { readonly scrollWidth: number }; readonly activeElement: unknown };
  readonly sessionStorage: {
    readonly length: number;
    key(index: number): string | null;
    getItem(key: string): string | null;
  };
  readonly localStorage: { readonly length: number };
  readonly location: { readonly href: string };
}

/** Signs in through the console's form and waits for the signed-in frame. */
export async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').filter({ hasText: user }).waitFor();
}

/** Signs out with the header's button and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** Follows a link of the main navigation (opening the menu first on a phone). */
export async function navigateTo(page: Page, label: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/** The row of a table whose header cell (first column) is `name`. */
export function rowOf(table: Locator, name: string): Locator {
  return table.locator('tbody tr').filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });
}

/** The text of the Data Lock Mode cell of a vault's row on the vaults page. */
export async function dataLockModeOf(page: Page, vault: string): Promise<string> {
  const row = rowOf(page.getByTestId('vaults-table'), vault);
  return (await row.getByTestId('data-lock-mode').innerText()).trim();
}

/** Waits until the immutability panel shows this Data Lock Mode (a string: exactly; a RegExp: matching). */
export async function waitForLockMode(page: Page, mode: string | RegExp): Promise<void> {
  await page
    .getByTestId('immutability-card')
    .getByTestId('data-lock-mode')
    .filter({ hasText: typeof mode === 'string' ? new RegExp(`^${mode}$`) : mode })
    .waitFor();
}

/** Asserts the page does not scroll sideways (a phone layout that fits). */
export async function assertFitsWidth(page: Page, widthPx: number): Promise<void> {
  const scrollWidth = await page.evaluate(
    () => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth,
  );
  assert.ok(scrollWidth <= widthPx, `the page is ${scrollWidth} px wide at a ${widthPx} px viewport`);
}

/** The element that has keyboard focus is inside `container`. */
export async function focusIsInside(container: Locator): Promise<boolean> {
  return container.evaluate((element: { contains(other: unknown): boolean }) =>
    element.contains((globalThis as unknown as BrowserGlobals).document.activeElement),
  );
}
