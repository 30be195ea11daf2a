/**
 * Driving the DCP app in Chromium (playwright-core) for the end-to-end tests.
 *
 *   const browser = await launchBrowser();
 *   const page = await newPage(browser);            // 1280x800, UTC, en-US; PHONE for 390x844
 *   await signIn(page, t.url, TOKEN);
 *   await waitForText(phaseStatus(page, 'dev'), 'Completed');
 *   await screenshot(page, 'deployment-completed');  // test-results/screenshots/<name>.png
 *   await expectAccessible(page, 'the deployment page'); // axe-core: no serious or critical violation
 *
 * The browser is the system's Chromium (scripts/chromium.ts; `npm test` passes its path in
 * DCP_TEST_CHROMIUM). Every wait here is Playwright's auto-waiting on a visible state, never a
 * fixed sleep.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Scope } from '../../src/core/access.ts';
import type { ManualClock } from '../../src/shared/clocks.ts';
import { startTestDcp, TOKEN, type TestDcp } from '../helpers/dcp.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/** How long a locator waits for the state it expects (the engine's moves land well within it). */
export const WAIT_MS = 15_000;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The system's Chromium, headless. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.DCP_TEST_CHROMIUM ?? '/usr/bin/chromium';
  if (!process.env.DCP_TEST_CHROMIUM && !existsSync(executablePath)) {
    throw new Error(
      'the browser tests need Chromium: DCP_TEST_CHROMIUM is not set and /usr/bin/chromium is missing. ' +
        'Run them through npm test (`npm test -- test/e2e`), which installs Chromium when it can (scripts/chromium.ts).',
    );
  }
  return chromium.launch({ executablePath, args: ARGS });
}

/**
 * A page in a fresh context (its own cookies): desktop-sized unless told, UTC and en-US so that
 * times and dates read the same on every machine. Uncaught errors and console errors of the page
 * are printed on stderr.
 */
export async function newPage(browser: Browser, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-US', colorScheme: 'light' });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[browser] page error: ${error.message}\n`));
  page.on('console', (message) => {
    // Failed requests are not news: the app shows them, and a 401 before signing in is expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      process.stderr.write(`[browser] console error: ${message.text()} (${message.location().url})\n`);
    }
  });
  return page;
}

/** Opens the app at `url`, signs in with `token` and waits for the sign-in form to go. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('API token').waitFor({ state: 'detached' });
}

/** Saves what the page shows to test-results/screenshots/<name>.png; returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // Nothing half-loaded in the picture: the page's requests are done and web fonts are in; and
  // no hover effect where the pointer happened to stop (it goes to the bottom-left corner).
  const viewport = page.viewportSize();
  if (viewport) await page.mouse.move(0, viewport.height - 1);
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  return file;
}

/**
 * Waits until the first element of `locator` shows exactly `expected` (a string: the whole text,
 * trimmed; a RegExp: a match). On timeout the error says what it showed instead.
 */
export async function waitForText(locator: Locator, expected: string | RegExp, timeout = WAIT_MS): Promise<void> {
  const pattern = typeof expected === 'string' ? new RegExp(`^\\s*${escapeRegExp(expected)}\\s*$`) : expected;
  try {
    await locator.filter({ hasText: pattern }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const shown = await locator.allTextContents().catch(() => []);
    throw new Error(`${locator} never showed ${pattern} within ${timeout} ms; it shows ${JSON.stringify(shown)}`, { cause: error });
  }
}

/**
 * The status shown on the phase card of `environment`: the card's first `status` (its release
 * rows, further down the card, have their own).
 */
export function phaseStatus(page: Page, environment: string): Locator {
  return page.getByTestId(`phase-${environment}`).getByTestId('status').first();
}

/** The status shown on the release row of `cluster`. */
export function releaseStatus(page: Page, cluster: string): Locator {
  return page.getByTestId(`release-${cluster}`).getByTestId('status');
}

/**
 * Sets a form field to `value` whatever control the app chose: a <select> by its option's value
 * or label (waiting for the option to be there), anything else by typing.
 */
export async function setField(field: Locator, value: string): Promise<void> {
  await field.waitFor();
  if ((await field.evaluate((element) => element.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A DCP (PGlite, on `clock`) and a browser page signed in to its app: what each test file starts
 * with. Signed in with the admin token, or `as` a person of the catalog with a token of their own
 * (approvals are a person's).
 */
export async function openApp(options: { clock: ManualClock; configDir?: string; as?: string; env?: Record<string, string> }): Promise<{ t: TestDcp; browser: Browser; page: Page }> {
  const t = await startTestDcp({ backend: 'pglite', clock: options.clock, configDir: options.configDir, env: options.env });
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await signIn(page, t.url, options.as ? await personalToken(t, options.as) : TOKEN);
  return { t, browser, page };
}

/** A token of `user`'s own, as they would make on the Tokens page (an admin's with the admin scope). */
export async function personalToken(t: TestDcp, user: string): Promise<string> {
  const { principal } = await t.dcp.auth.createPersonSession(user);
  const scopes: Scope[] = ['read', 'deployments:write', 'approvals:write', ...(principal.admin ? (['admin'] as const) : [])];
  const caller = { principal, action: 'POST /api/v1/tokens', address: null, userAgent: null, audited: false };
  const { secret } = await t.dcp.auth.createToken(caller, { name: 'browser', scopes });
  return secret;
}

export async function closeApp(app: { t?: TestDcp; browser?: Browser }): Promise<void> {
  await app.browser?.close();
  await app.t?.stop();
  exitWhenDone();
}

/**
 * A browser test file's process ends once its tests have: once in several runs one of them stayed
 * alive after passing, held by a handle nobody could name yet (node's --test-force-exit is no
 * cure: it also cut other files short). This timer does not keep the process alive; it only ends
 * one that something else would keep alive for ever, with the exit code the runner has set.
 */
export function exitWhenDone(): void {
  setTimeout(() => process.exit(), 30_000).unref();
}

/** axe-core's source, injected into pages to check them (it is not part of the app). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules, and axe's best practices) on what the page shows now and
 * fails on any serious or critical violation, naming each rule, its help and the elements. `what`
 * says which page it is in the message.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate('typeof globalThis.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`globalThis.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const lines = serious.map((v) => `- ${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join('\n')}`);
  throw new Error(`${what} (${page.url()}) has ${serious.length} serious or critical accessibility violation(s):\n${lines.join('\n')}`);
}
