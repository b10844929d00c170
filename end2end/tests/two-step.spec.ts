import { createHmac } from 'crypto';
import { Page } from '@playwright/test';
import { test, expect, signIn, hydrated, createCompany, emailOf, PASSWORD } from './fixtures';

/** The RFC 6238 code of a base32 key, `offset` seconds from now (what an authenticator shows). */
function totp(base32: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + offset) / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, '0');
}

/** Sets up two-step verification from the account page; returns the key. */
async function enrol(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Set up two-step verification' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await page.getByLabel('Key', { exact: true }).textContent())!.trim();
  await page.getByLabel('Code from the app').fill('123');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#two-step-code-error')).toContainText('6-digit code');
  await page.getByLabel('Code from the app').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  return key;
}

test('an admin sets up two-step verification and is asked for a code at the next sign-in', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain, next: '/account/two-step' });
  await expect(page.locator('.two-step-state')).toHaveText('Off.');
  const key = await enrol(page);
  await page.getByRole('button', { name: 'I saved them' }).click();
  await expect(page.locator('.two-step-state')).toHaveText('On. 10 recovery codes left.');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf('security_admin', company.domain));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#code-error')).toContainText('not correct');
  await page.getByLabel('Code').fill(totp(key, 30));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Admin menu' }).or(page.getByRole('button', { name: 'Menu' }))).toBeVisible();
});

test('when the Super admin requires it, an admin without it is led to set it up before anything else', async ({ page, browser }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/account/two-step' });
  await enrol(page);
  await page.getByRole('button', { name: 'I saved them' }).click();
  await page.getByLabel('Require two-step verification for every admin').check();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Require it' }).click();
  await expect(page.getByRole('status')).toContainText('Every admin now needs two-step verification.');

  const other = await browser.newPage();
  await signIn(other, 'mail_admin', { domain: company.domain, next: '/service/mail/general' });
  await expect(other.getByRole('alert').filter({ hasText: 'requires two-step verification' })).toBeVisible();
  await expect(other.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await enrol(other);
  await other.getByRole('button', { name: 'I saved them' }).click();
  await other.waitForURL((url) => url.pathname === '/');
  await other.goto('/service/mail/general');
  await hydrated(other);
  await expect(other.getByRole('heading', { name: 'Mail > General' }).or(other.getByRole('heading', { name: 'General' }))).toBeVisible();
  await other.close();
});
