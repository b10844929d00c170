import { test, expect, signIn, hydrated, createCompany } from './fixtures';

// Text an attacker would store, hoping a page or a spreadsheet runs it.
const SCRIPT = '<script>alert("script")</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const LINK = 'javascript:alert(document.cookie)';
const RTL = 'invoice\u202Efdp.exe';
const WIDE = '𝔐𝔞𝔦𝔩 🛡️ 메일 '.repeat(10).trim();
const FORMULA = '=HYPERLINK("http://evil.example","x")';

test('stored script-like text shows as typed in every page and the CSV export, and never runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const company = createCompany({ names: { auditor: SCRIPT } });
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/api-tokens' });

  // Token names: free text, shown in the list and in the audit log.
  for (const name of [IMG, LINK, RTL, FORMULA]) {
    await page.getByLabel('Token name').fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByRole('heading', { name: `New token '${name}'` })).toBeVisible();
    await page.getByRole('button', { name: 'Done' }).click();
  }
  // Rendered on the server this time.
  await page.reload();
  await hydrated(page);
  for (const name of [IMG, LINK, RTL, FORMULA]) {
    await expect(page.getByText(name, { exact: true })).toBeVisible();
  }

  // A warning text with all of it, as long as allowed.
  const warning = `${SCRIPT} ${IMG} ${LINK} ${RTL} ${WIDE}`.slice(0, 480);
  await page.goto('/security/mail');
  await hydrated(page);
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  await page.locator('#field-external_popup').getByLabel('ON').check();
  await page.getByRole('button', { name: 'PC warning text settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'PC warning text settings' });
  await dialog.getByRole('textbox').fill(warning);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  await page.getByRole('button', { name: 'PC warning text settings' }).click();
  await expect(page.getByRole('dialog').getByRole('textbox')).toHaveValue(warning);
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // A display name, on the Administrators page.
  await page.goto('/company/administrators');
  await hydrated(page);
  await expect(page.getByText(SCRIPT, { exact: true })).toBeVisible();

  // The audit log names the tokens as typed.
  await page.goto('/audit');
  await hydrated(page);
  await expect(page.getByText(IMG, { exact: true }).first()).toBeVisible();
  await expect(page.getByText(RTL, { exact: true }).first()).toBeVisible();

  // Nothing was turned into markup, and nothing ran.
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);

  // The CSV export is a download of text; a cell a spreadsheet would run is neutralised.
  const csv = await page.request.get('/audit/export.csv');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(csv.headers()['content-disposition']).toContain('attachment');
  const text = await csv.text();
  expect(text).toContain(IMG.replace(/"/g, '""'));
  expect(text).toContain(RTL);
  expect(text).toContain(`'${FORMULA.replace(/"/g, '""')}`);
  expect(text).not.toMatch(/(^|,)=HYPERLINK/m);

  expect(dialogs).toEqual([]);
});
