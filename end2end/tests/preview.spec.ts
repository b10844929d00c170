import { test, expect, signIn, createCompany, hydrated, expectOnlyRefusedFetches, wasmArrivals } from './fixtures';
import type { Page } from '@playwright/test';

function preview(page: Page) {
  return page.getByRole('region', { name: 'Preview as member' });
}

/** Opens the preview (closed when the page loads) once the page is live. */
async function openPreview(page: Page) {
  await hydrated(page);
  const p = preview(page);
  await p.getByRole('button', { name: 'Show preview' }).click();
  await expect(p.getByLabel('Recipients')).toBeVisible();
  return p;
}

test('the preview opens on request, and its code comes with it, not with the page', async ({ page }) => {
  const wasm = wasmArrivals(page);
  await signIn(page, 'super_admin', { next: '/security/mail' });
  await hydrated(page);
  const p = preview(page);
  const toggle = p.getByRole('button', { name: 'Show preview' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(p.getByLabel('Recipients')).toHaveCount(0);
  const loadedWithThePage = wasm.length;

  await toggle.click();
  await expect(p.getByLabel('Recipients')).toHaveValue('partner@example.net');
  // The release build fetches the preview's code as a chunk of its own when it is first opened.
  expect(wasm.slice(loadedWithThePage).length).toBeGreaterThan(0);

  // Closing keeps what was typed for the next opening, without fetching anything again.
  await p.getByLabel('Recipients').fill('someone@example.org');
  const fetched = wasm.length;
  await p.getByRole('button', { name: 'Hide preview' }).click();
  await expect(p.getByLabel('Recipients')).toBeHidden();
  await p.getByRole('button', { name: 'Show preview' }).click();
  await expect(p.getByLabel('Recipients')).toHaveValue('someone@example.org');
  expect(wasm.length).toBe(fetched);
});

test('a part whose code cannot be fetched says so, and the page keeps working', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin', { next: '/security/mail' });
  await hydrated(page);
  // From now on no wasm arrives, as when the connection drops after the page has loaded.
  let refused = 0;
  await page.route(/\/pkg\/.*\.wasm$/, (route) => {
    refused += 1;
    return route.abort('internetdisconnected');
  });
  const p = preview(page);
  await p.getByRole('button', { name: 'Show preview' }).click();
  const failed = p.getByRole('alert');
  await expect(failed).toContainText('This part of the page could not be loaded');
  await expect(p.getByLabel('Recipients')).toHaveCount(0);
  expect(refused).toBeGreaterThan(0);

  // The page is still live: closing hides the message, and opening again tries again.
  await p.getByRole('button', { name: 'Hide preview' }).click();
  await expect(failed).toBeHidden();
  const before = refused;
  await p.getByRole('button', { name: 'Show preview' }).click();
  await expect(failed).toBeVisible();
  expect(refused).toBeGreaterThan(before);

  // Back online: "Try again" brings the preview.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(p.getByLabel('Recipients')).toHaveValue('partner@example.net');
  await expect(failed).toHaveCount(0);

  // The refused fetches are the only errors the browser logged.
  expectOnlyRefusedFetches(consoleErrors);
});

test('the preview follows the edits before anything is saved', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/company/languages' });
  await page.getByRole('button', { name: 'Edit Languages' }).click();
  await page.getByLabel('Korean').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.goto('/security/mail');

  const p = await openPreview(page);
  await expect(p.getByText('No alert banner.')).toBeVisible();
  await expect(p.getByText('No security pop-up.')).toBeVisible();

  // Banner on: the preview shows it at once, unsaved.
  await page.getByRole('button', { name: 'Edit Show alert banner when sending externally' }).click();
  await page.locator('#field-external_alert_banner').getByLabel('ON').check();
  await expect(p.getByRole('note', { name: 'Alert banner' })).toContainText('partner@example.net');

  // Pop-up on, only with attachments, with texts per device and language.
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  const popup = page.locator('#field-external_popup');
  await popup.getByLabel('ON').check();
  await expect(p.getByRole('note', { name: 'Security pop-up' })).toContainText('You are sending this email to an external address');
  await popup.getByLabel('Apply conditionally').check();
  await popup.getByLabel('Only if attachments are included').check();
  await expect(p.getByText('No security pop-up.')).toBeVisible();
  await p.getByLabel('Attachment sizes in MB (comma-separated)').fill('3');
  await expect(p.getByRole('note', { name: 'Security pop-up' })).toBeVisible();

  await page.getByRole('button', { name: 'PC warning text settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'PC warning text settings' });
  await dialog.getByRole('textbox').fill('Default PC warning');
  await dialog.getByRole('tab', { name: 'Korean' }).click();
  await dialog.getByRole('textbox').fill('한국어 경고');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await expect(p.getByRole('note', { name: 'Security pop-up' })).toContainText('Default PC warning');
  await p.getByLabel("Member's language").selectOption({ label: 'Korean' });
  await expect(p.getByRole('note', { name: 'Security pop-up' })).toContainText('한국어 경고');
  await expect(p.getByRole('note', { name: 'Security pop-up' })).toContainText('Text from the Korean tab');
  // No mobile texts written: the built-in message.
  await p.getByLabel('Mobile').check();
  await expect(p.getByRole('note', { name: 'Security pop-up' })).toContainText('Text from the built-in English message');

  // A mailing list that includes external addresses never gets the pop-up.
  await p.getByLabel('A mailing list (DL)').check();
  await expect(p.getByText('No security pop-up.')).toBeVisible();
  await expect(p).toContainText('no pop-up is shown');

  // Attachments over the limit: with download time limit.
  await p.getByLabel('A member').check();
  await p.getByLabel('Attachment sizes in MB (comma-separated)').fill('3, 30');
  await expect(p.getByRole('listitem').filter({ hasText: 'Attachment 2' })).toContainText('File with download time limit: up to 100 downloads, until 7 days after sending');

  // Nothing was saved.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(p.getByText('No alert banner.')).toBeVisible();
});
