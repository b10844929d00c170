import { test, expect, signIn, hydrated, createCompany } from './fixtures';
import type { Page } from '@playwright/test';

async function createToken(page: Page, name: string): Promise<string> {
  await page.goto('/security/api-tokens');
  await hydrated(page);
  await page.getByLabel('Token name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByLabel('Token secret').textContent()) ?? '';
  expect(secret).toMatch(/^mst_[0-9a-f]{64}$/);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByLabel('Token secret')).toHaveCount(0);
  return secret;
}

test('a token is created once, used by the API, and revoked', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain });
  const secret = await createToken(page, 'mx1');
  await expect(page.getByRole('cell').filter({ hasText: /^mx1$/ })).toBeVisible();
  // The secret is not shown again.
  await page.reload();
  await hydrated(page);
  await expect(page.getByText(secret)).toHaveCount(0);

  const res = await page.request.get('/api/v1/policy', { headers: { Authorization: `Bearer ${secret}` } });
  expect(res.status()).toBe(200);
  expect((await res.json()).company).toBe(company.domain);

  await page.getByRole('button', { name: 'Revoke mx1' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('status')).toContainText("'mx1' was revoked.");
  const after = await page.request.get('/api/v1/policy', { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
});

test('the preview and the API decide the same for the same message', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain });
  const secret = await createToken(page, 'compare');

  // A policy with something to decide: banner, conditional pop-up, a renamed expiring level.
  await page.goto('/security/mail');
  await hydrated(page);
  await page.getByRole('button', { name: 'Edit Show alert banner when sending externally' }).click();
  await page.locator('#field-external_alert_banner').getByLabel('ON').check();
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  const popup = page.locator('#field-external_popup');
  await popup.getByLabel('ON').check();
  await popup.getByLabel('Apply conditionally').check();
  await popup.getByLabel('Only if attachments are included').check();
  await page.getByRole('tab', { name: 'Security level' }).click();
  await page.getByRole('button', { name: 'Edit Security level' }).click();
  await page.locator('#field-security_levels').getByLabel('Use', { exact: true }).check();
  await page.getByRole('button', { name: 'Edit Confidential' }).click();
  const conf = page.locator('#field-confidential_level');
  await conf.getByLabel('Use', { exact: true }).check();
  await conf.getByLabel('Level name (Confidential)').fill('Board only');
  await conf.getByLabel('Expires after').selectOption({ label: '1 month' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  const preview = page.getByRole('region', { name: 'Preview as member' });
  await preview.getByRole('button', { name: 'Show preview' }).click();
  await preview.getByLabel('Recipients').fill(`colleague@${company.domain}, partner@example.net`);
  await preview.getByLabel('Attachment sizes in MB (comma-separated)').fill('2, 40, 5000');
  await preview.getByLabel('Security level').selectOption({ label: 'Board only' });

  const res = await page.request.post('/api/v1/decisions/send', {
    headers: { Authorization: `Bearer ${secret}` },
    data: {
      sender: { kind: 'member' },
      recipients: [`colleague@${company.domain}`, 'partner@example.net'],
      attachments: [2, 40, 5000].map((mb, i) => ({ name: `Attachment ${i + 1}`, size_bytes: mb * 1024 * 1024 })),
      individually: false,
      device: 'pc',
      language: 'en',
      security_level: 'confidential',
      sent_at: 0,
    },
  });
  expect(res.status()).toBe(200);
  const api = await res.json();

  const decision = (label: string) => preview.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  expect(api.banner.value).toBe(true);
  await expect(decision('Alert banner')).toContainText('Yes');
  expect(api.popup.value.text).toBeTruthy();
  await expect(preview.getByRole('note', { name: 'Security pop-up' })).toContainText(api.popup.value.text);
  expect(api.level_name).toBe('Board only');
  await expect(decision('Security level')).toContainText(api.level_name);
  expect(api.expires_at.value / 86400).toBe(30);
  await expect(decision('Expires')).toContainText('30 days after sending');
  const kinds = api.attachments.map((a: { treatment: { value: { kind: string } } }) => a.treatment.value.kind);
  expect(kinds).toEqual(['normal', 'download_time_limit', 'refused']);
  const shown = { normal: 'Attached normally', download_time_limit: 'File with download time limit', refused: 'Cannot be attached' };
  for (const [i, kind] of kinds.entries()) {
    await expect(preview.getByRole('listitem').filter({ hasText: `Attachment ${i + 1} (` })).toContainText(shown[kind as keyof typeof shown]);
  }
  expect(api.external_recipients).toEqual(['partner@example.net']);
});
