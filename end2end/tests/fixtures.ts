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
