import { test, expect, signIn, hydrated, createCompany, endSessions, PASSWORD } from './fixtures';
import type { Page } from '@playwright/test';

function field(page: Page, id: string) {
  return page.locator(`#field-${id}`);
}

async function saved(page: Page) {
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
}

/** A new company's security admin sets 'Block images/links from external emails' to Required. */
async function blockImagesForAll(page: Page) {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Block images/links from external emails' }).click();
  await page.getByLabel('Required - Block image/link in the mail of all members').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await saved(page);
}

test('two admins edit the same field: the second sees both values and resolves the conflict', async ({ page, browser }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/service/mail/general' });
  const other = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const second = await other.newPage();
  await signIn(second, 'mail_admin', { domain: company.domain, next: '/service/mail/general' });

  // Both start editing from the same version.
  await page.getByRole('button', { name: 'Edit Attachment size limit' }).click();
  await second.getByRole('button', { name: 'Edit Attachment size limit' }).click();
  await second.getByRole('button', { name: /Edit Files with download time limit: maximum number/ }).click();

  await page.getByRole('spinbutton', { name: 'Attachment size limit' }).fill('25');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await saved(page);

  await second.getByRole('spinbutton', { name: 'Attachment size limit' }).fill('30');
  await second.getByRole('spinbutton', { name: /maximum number per email/ }).fill('5');
  await second.getByRole('button', { name: 'Save', exact: true }).click();
  const conflicts = second.getByRole('region', { name: 'Changed by another administrator' });
  await expect(conflicts).toBeVisible();
  // Only the field both changed conflicts.
  await expect(conflicts.getByRole('listitem')).toHaveCount(1);
  await expect(conflicts).toContainText('Attachment size limit');
  await expect(conflicts).toContainText(company.email('super_admin'));
  await expect(conflicts.locator('dd')).toHaveText(['30 MB', '25 MB']);
  await second.getByRole('button', { name: 'Keep my value for Attachment size limit' }).click();
  await expect(conflicts).toBeHidden();
  await second.getByRole('button', { name: 'Save', exact: true }).click();
  await saved(second);
  await expect(field(second, 'attachment_size_limit').locator('.value')).toHaveText('30 MB');
  await expect(field(second, 'large_file_max_count').locator('.value')).toHaveText('5 files');

  // The first admin, taking the current value instead, ends with what is stored.
  await page.getByRole('button', { name: 'Edit Attachment size limit' }).click();
  await page.getByRole('spinbutton', { name: 'Attachment size limit' }).fill('40');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Use the current value for Attachment size limit' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Attachment size limit' })).toHaveValue('30');
  await other.close();
});

test('a save after the session ended signs in again in place and keeps the edit', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();
  endSessions(company.email('security_admin'));

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign in to save your changes' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Email')).toHaveValue(company.email('security_admin'));
  await dialog.getByLabel('Password').fill('not the password');
  await dialog.getByRole('button', { name: 'Sign in and save' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in and save' }).click();
  await expect(dialog).toBeHidden();
  await saved(page);
  await page.reload();
  await hydrated(page);
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('OFF');
});

test('unsaved edits survive a reload of the page, and Cancel clears them', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'mail_admin', { domain: company.domain, next: '/service/mail/general' });
  await page.getByRole('button', { name: 'Edit Attachment size limit' }).click();
  await page.getByRole('spinbutton', { name: 'Attachment size limit' }).fill('33');
  page.once('dialog', (d) => d.accept());
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('spinbutton', { name: 'Attachment size limit' })).toHaveValue('33');
  await expect(page.getByText('Your unsaved changes from before were restored.')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await hydrated(page);
  await expect(field(page, 'attachment_size_limit').locator('.value')).toHaveText('20 MB');
  await expect(page.getByRole('spinbutton', { name: 'Attachment size limit' })).toHaveCount(0);
});

test('a change is reverted from the audit log', async ({ page }) => {
  await blockImagesForAll(page);

  await page.goto('/audit?action=Change%20setting');
  await hydrated(page);
  await page.getByRole('button', { name: 'Details of the change to Block images/links from external emails' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change details' });
  const row = dialog.getByRole('row', { name: /Block images\/links/ });
  await expect(row.getByRole('cell')).toHaveText([
    'Optional - Give options to each member',
    'Required - Block image/link in the mail of all members',
    'Required - Block image/link in the mail of all members',
  ]);
  await dialog.getByRole('button', { name: 'Revert these changes' }).click();
  await expect(dialog.getByRole('status')).toContainText('Reverted');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.goto('/audit?action=Revert%20setting');
  await expect(page.getByRole('cell').filter({ hasText: /^Block images\/links from external emails$/ })).toBeVisible();

  await page.goto('/security/mail');
  await expect(field(page, 'external_image_blocking').locator('.value')).toHaveText('Optional - Give options to each member');
});

test('the audit log filters in place, keeps the filters in the address, and Back returns to them', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/audit' });
  await hydrated(page);
  const records = page.getByRole('status').filter({ hasText: /records$/ });
  await expect(records).toBeVisible();
  // The Action column (on a phone the cells' names also carry their column's label).
  const actions = page.locator('td[data-label="Action"]');

  // The action list offers what the log holds; filtering reloads the rows without leaving the page.
  await page.getByLabel('Action').selectOption('Sign in');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/[?&]action=Sign(\+|%20)in/);
  await expect(actions.filter({ hasText: /^Sign in$/ }).first()).toBeVisible();
  await expect(actions.filter({ hasNotText: /^Sign in$/ })).toHaveCount(0);

  await page.getByLabel('Search target and values').fill('nothing-in-the-log-reads-this');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No records match.')).toBeVisible();

  await page.goBack();
  await expect(actions.filter({ hasText: /^Sign in$/ }).first()).toBeVisible();
  await expect(page.getByLabel('Action')).toHaveValue('Sign in');
  await expect(page.getByText('No records match.')).toHaveCount(0);
});

test('the audit log fits the screen: no sideways scroll; on a desktop every column in view, on a phone no empty lines', async ({ page, isMobile }) => {
  // A change whose values are long enough to need wrapping.
  await blockImagesForAll(page);

  await page.goto('/audit');
  await hydrated(page);
  const newValue = page.locator('td[data-label="New value"]').filter({ hasText: 'Required' });
  await expect(newValue).toBeVisible();
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: document.documentElement.clientWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.screen);
  if (isMobile) {
    // A sign-in has no old or new value: its card leaves those lines out, and keeps the rest.
    const signIn = page.locator('tr').filter({ has: page.locator('td[data-label="Action"]', { hasText: /^Sign in$/ }) }).first();
    await expect(signIn.locator('td[data-label="Address"]')).toBeVisible();
    await expect(signIn.locator('td[data-label="Old value"]')).toBeHidden();
    await expect(signIn.locator('td[data-label="New value"]')).toBeHidden();
  } else {
    const table = await page.locator('.table-wrap').boundingBox();
    const result = await page.getByRole('columnheader', { name: 'Result' }).boundingBox();
    expect(table && result && result.x + result.width <= table.x + table.width).toBe(true);
    // Values wrap between words: the cell is wider than the widest word of its value.
    const cell = await newValue.boundingBox();
    const word = await newValue.evaluate((td) => {
      const words = (td.textContent ?? '').split(/\s+/);
      const probe = document.createElement('span');
      td.appendChild(probe);
      let widest = 0;
      for (const w of words) {
        probe.textContent = w;
        widest = Math.max(widest, probe.getBoundingClientRect().width);
      }
      probe.remove();
      return widest;
    });
    expect(word).toBeGreaterThan(0);
    expect(cell && cell.width > word).toBe(true);
  }
});

test('the policy is exported, and importing a file shows the diff before applying it', async ({ page }) => {
  const source = createCompany();
  await signIn(page, 'super_admin', { domain: source.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await saved(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export policy' }).click();
  const file = await (await download).path();

  const target = createCompany();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await signIn(page, 'super_admin', { domain: target.domain, next: '/security/mail' });
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
  await page.getByText('Import policy').setInputFiles(file!);
  const dialog = page.getByRole('dialog', { name: 'Import policy' });
  await expect(dialog.getByRole('row', { name: /Mail backup/ }).getByRole('cell')).toHaveText(['ON', 'OFF']);
  await dialog.getByRole('button', { name: 'Apply 1 change' }).click();
  await page.waitForURL(/\/security\/mail$/);
  await hydrated(page);
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('OFF');
});
