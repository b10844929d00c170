import { test as base, expect, Page } from '@playwright/test';

export const PASSWORD = process.env.E2E_PASSWORD ?? 'end to end test password';

export type RoleName = 'super_admin' | 'security_admin' | 'mail_admin' | 'auditor' | 'member';

export function emailOf(role: RoleName, domain = 'acme.example'): string {
  return `${role.replace(/_/g, '-')}@${domain}`;
}

// Responses the console answers on purpose (refused sign-in, missing permission, conflict,
// validation, rate limit): the browser logs them, but they are not faults.
const EXPECTED_STATUS = /the server responded with a status of (401|402|403|409|422|429)/;

/** Every test fails on a console error or an uncaught page error. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !EXPECTED_STATUS.test(msg.text())) {
          errors.push(msg.text());
        }
      });
      page.on('pageerror', (err) => errors.push(err.message));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * For a test that refuses the browser's requests for wasm: the console errors it logged are those
 * refusals (the browser's and the chunk loader's) and nothing else. Clears them.
 */
export function expectOnlyRefusedFetches(errors: string[]) {
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    const refused =
      e === 'Failed to load resource: net::ERR_INTERNET_DISCONNECTED' ||
      e === 'Failed to fetch' ||
      /^Failed to fetch dynamically imported module: \S+\/pkg\/\S+\.js$/.test(e) ||
      (e.startsWith('TypeError: Failed to fetch\n') && e.includes('/pkg/__wasm_split.'));
    expect(refused, e).toBe(true);
  }
  errors.length = 0;
}

/**
 * The paths of the wasm files the page fetches from now on, as they arrive (a refused fetch never
 * does), in a list that grows.
 */
export function wasmArrivals(page: Page): string[] {
  const wasm: string[] = [];
  page.on('requestfinished', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/pkg/') && path.endsWith('.wasm')) wasm.push(path);
  });
  return wasm;
}

/** Waits until the wasm has hydrated the page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function signIn(page: Page, role: RoleName, opts: { next?: string; domain?: string } = {}) {
  const target = opts.next ? `/login?next=${encodeURIComponent(opts.next)}` : '/login';
  await page.goto(target);
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf(role, opts.domain));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await hydrated(page);
}

export function isPhone(page: Page): boolean {
  return (page.viewportSize()?.width ?? 1200) < 768;
}

/** Opens the menu on a phone (on a desktop it is always shown). */
export async function openMenu(page: Page) {
  if (isPhone(page)) {
    await page.getByRole('button', { name: 'Menu' }).click();
  }
  await expect(page.getByRole('navigation', { name: 'Admin menu' })).toBeVisible();
}

import { execFileSync } from 'child_process';

// Set once in playwright.config.ts, which also starts the server from it.
const SERVER_BIN = process.env.SERVER_BIN!;

function operator(args: string[], input?: string) {
  execFileSync(SERVER_BIN, args, {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${process.env.E2E_DATA_DIR}/console.db?mode=rwc`,
      RUST_LOG: 'error',
      ACCOUNT_PASSWORD: PASSWORD,
    },
    input,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}

/** Ends every session of a user, as an expired session would. */
export function endSessions(email: string) {
  operator(['user', 'end-sessions', '--email', email]);
}

export interface Company {
  domain: string;
  email(role: RoleName): string;
}

let counter = 0;

/**
 * A new company of its own for one test, with an account per role and `importMembers` members
 * who have import settings, so that tests that change settings never meet each other.
 */
export function createCompany(
  opts: { plan?: 'free' | 'standard' | 'standard_plus'; importMembers?: number; names?: Partial<Record<RoleName, string>> } = {},
): Company {
  counter += 1;
  const domain = `t${process.pid}x${Date.now().toString(36)}x${counter}.example`;
  operator(['company', 'create', '--name', `Test ${counter}`, '--domain', domain, '--plan', opts.plan ?? 'standard']);
  for (const role of ['super_admin', 'security_admin', 'mail_admin', 'auditor'] as RoleName[]) {
    operator(['user', 'create', '--company', domain, '--email', emailOf(role, domain), '--name', opts.names?.[role] ?? `Test ${role.replace(/_/g, ' ')}`, '--role', role]);
  }
  for (let i = 0; i < (opts.importMembers ?? 0); i++) {
    const member = `member${i}@${domain}`;
    operator(['user', 'create', '--company', domain, '--email', member, '--name', `Member ${i}`, '--role', 'member']);
    operator(['user', 'add-import-setting', '--email', member, '--address', `m${i}@old-mail.example`, '--host', 'pop.old-mail.example']);
  }
  return { domain, email: (role) => emailOf(role, domain) };
}
