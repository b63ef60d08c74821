import assert from 'node:assert/strict';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];

export async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Starts headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * What a page reported that a user should never see: console errors, CSP violations, uncaught
 * exceptions, scripts or styles that failed to load. Chromium also logs every HTTP error answer to
 * fetch() as a console error ("Failed to load resource: … status of 409"); a refusal the test
 * provokes on purpose is announced first with `expectRefusal`, and only that one is let through.
 */
export class PageWatch {
  readonly problems: string[] = [];
  readonly #expected: { status: number; path: RegExp }[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error') {
        const status = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
        if (status !== null && this.#consume(Number(status[1]), message.location().url)) return;
        this.problems.push(`console.error: ${text} (${message.location().url})`);
      } else if (/Content.Security.Policy/i.test(text)) {
        this.problems.push(`CSP: ${text}`);
      }
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      const type = request.resourceType();
      if (type === 'script' || type === 'stylesheet' || type === 'document' || type === 'image') {
        this.problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`);
      }
    });
  }

  /** The next answer with this status to an API path matching `path` is a refusal the test provokes. */
  expectRefusal(status: number, pathPattern: RegExp): void {
    this.#expected.push({ status, path: pathPattern });
  }

  /** Fails when anything went wrong, or an announced refusal never came. */
  assertClean(): void {
    assert.deepEqual(this.problems, [], 'the browser reported problems');
    assert.deepEqual(
      this.#expected.map((e) => `${e.status} ${e.path.source}`),
      [],
      'refusals the test expected did not happen',
    );
  }

  #consume(status: number, url: string): boolean {
    const pathname = new URL(url).pathname;
    const index = this.#expected.findIndex((e) => e.status === status && e.path.test(pathname));
    if (index < 0) return false;
    this.#expected.splice(index, 1);
    return true;
  }
}

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly watch: PageWatch;
}

/** A page in a fresh context (its own sessionStorage, like a new browser profile), watched for problems. */
export async function openPage(browser: Browser, viewport: { width: number; height: number }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, watch: new PageWatch(page) };
}

/** Saves a screenshot of the whole page under `dir` (made if missing). */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
