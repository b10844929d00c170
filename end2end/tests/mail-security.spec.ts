import { test, expect, signIn, hydrated, createCompany, openMenu, isPhone, expectOnlyRefusedFetches, wasmArrivals } from './fixtures';
import type { Page, Locator } from '@playwright/test';

function field(page: Page, id: string): Locator {
  return page.locator(`#field-${id}`);
}

async function save(page: Page) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
}

test('each Mail Security setting is edited, saved, and still there after a reload', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/mail' });
  await expect(page.getByRole('heading', { name: 'Mail Security', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Edit Files with download time limit' }).click();
  await field(page, 'download_time_limit_files').getByLabel('Do not allow').check();
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();
  await page.getByRole('button', { name: 'Edit Block images/links from external emails' }).click();
  await page.getByLabel('Required - Block image/link in the mail of all members').check();
  await page.getByRole('button', { name: 'Edit Show alert banner when sending externally' }).click();
  await field(page, 'external_alert_banner').getByLabel('ON').check();
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  const popup = field(page, 'external_popup');
  await popup.getByLabel('ON').check();
  await popup.getByLabel('Apply conditionally').check();
  await popup.getByLabel('Only if attachments are included').check();
  await save(page);
  // Back to read-only: no Save button, values shown.
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeHidden();

  await page.reload();
  await hydrated(page);
  await expect(field(page, 'download_time_limit_files').locator('.value')).toHaveText('Do not allow');
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('OFF');
  await expect(field(page, 'external_image_blocking').locator('.value')).toHaveText(
    'Required - Block image/link in the mail of all members',
  );
  await expect(field(page, 'external_alert_banner').locator('.value')).toHaveText('ON');
  await expect(popup.locator('.value')).toHaveText('ON - Apply conditionally: Only if attachments are included');
});

test('Cancel discards the edits', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
  await page.reload();
  await hydrated(page);
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
});

test('Save with every value as it was stored sends nothing and says so', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();
  await field(page, 'mail_backup').getByLabel('ON').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Nothing to save: the values are the ones already saved.');
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeHidden();
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
  // No change was recorded: the audit log has no setting change for this company.
  await page.goto('/audit?action=Change%20setting');
  await expect(page.getByText('No records match.')).toBeVisible();
});

test('choosing "Do not allow" for import asks first, naming the members whose settings go', async ({ page }) => {
  const company = createCompany({ importMembers: 2 });
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Import external email' }).click();
  const importField = field(page, 'import_external_email');
  // It asks before the choice takes effect, so the radio is clicked, not checked.
  await importField.getByLabel('Do not allow').click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('the import settings of 2 members will be deleted');
  await dialog.getByRole('button', { name: "Keep 'Allow'" }).click();
  await expect(importField.getByLabel('Allow', { exact: true })).toBeChecked();

  await importField.getByLabel('Do not allow').click();
  await page.getByRole('alertdialog').getByRole('button', { name: "Choose 'Do not allow'" }).click();
  await expect(importField).toContainText('On Save, the import settings of 2 members will be deleted.');
  await save(page);
  await page.reload();
  await hydrated(page);
  await expect(importField.locator('.value')).toHaveText('Do not allow');
  // Nothing left to delete: choosing it again would not ask.
  await page.getByRole('button', { name: 'Edit Import external email' }).click();
  await importField.getByLabel('Allow', { exact: true }).check();
  await save(page);
});

test('a validation error shows next to its field, keeps the input, and stores nothing', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'mail_admin', { domain: company.domain, next: '/service/mail/general' });
  await page.getByRole('button', { name: 'Edit Attachment size limit' }).click();
  const input = page.getByRole('spinbutton', { name: 'Attachment size limit' });
  await input.fill('0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(field(page, 'attachment_size_limit').getByRole('alert')).toHaveText(
    'The attachment size limit (MB) must be from 1 to 50.',
  );
  await expect(input).toHaveValue('0');
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
  await input.fill('30');
  await save(page);
  await page.reload();
  await hydrated(page);
  await expect(field(page, 'attachment_size_limit').locator('.value')).toHaveText('30 MB');
});

test('leaving with unsaved edits asks first: by menu, by Back, and by closing the tab', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/network' });
  // Reach Mail Security through the menu, so that Back is a step inside the console.
  await openMenu(page);
  await page.getByRole('navigation', { name: 'Admin menu' }).getByRole('link', { name: 'Mail Security' }).click();
  await expect(page.getByRole('heading', { name: 'Mail Security', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Edit Mail backup / Save to PC' }).click();
  await field(page, 'mail_backup').getByLabel('OFF').check();

  // A menu link: refusing keeps the page and the edit.
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
  await openMenu(page);
  await page.getByRole('navigation', { name: 'Admin menu' }).getByRole('link', { name: 'Audit log' }).click();
  await expect.poll(() => asked).toContain('You have unsaved changes');
  await expect(page).toHaveURL(/\/security\/mail$/);
  await expect(field(page, 'mail_backup').getByLabel('OFF')).toBeChecked();
  if (isPhone(page)) await page.keyboard.press('Escape');

  // Back: refusing keeps the page and the edit too.
  asked = '';
  page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
  await page.evaluate(() => history.back());
  await expect.poll(() => asked).toContain('You have unsaved changes');
  await expect(page).toHaveURL(/\/security\/mail$/);
  await expect(field(page, 'mail_backup').getByLabel('OFF')).toBeChecked();

  // Closing the tab: the browser's own question.
  let kind = '';
  page.once('dialog', (d) => { kind = d.type(); void d.dismiss(); });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => kind).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);

  // Accepting leaves, and nothing was saved.
  page.once('dialog', (d) => d.accept());
  await page.evaluate(() => history.back());
  await expect(page).toHaveURL(/\/security\/network$/);
  await page.goto('/security/mail');
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
});

test('warning texts are written per language tab in the dialog and saved with the page', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/company/languages' });
  await page.getByRole('button', { name: 'Edit Languages' }).click();
  await page.getByLabel('Korean').check();
  await save(page);

  await page.goto('/security/mail');
  await hydrated(page);
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  await field(page, 'external_popup').getByLabel('ON').check();
  await page.getByRole('button', { name: 'PC warning text settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'PC warning text settings' });
  await expect(dialog.getByRole('tab')).toHaveText(['Default', 'English', 'Korean']);
  await dialog.getByRole('textbox').fill('<b>Careful</b>: this leaves the company.');
  await expect(dialog.getByText('40 / 500')).toBeVisible();
  await dialog.getByRole('tab', { name: 'Korean' }).click();
  await dialog.getByRole('textbox').fill('외부로 보내는 메일입니다.');
  await dialog.getByRole('tab', { name: 'Default' }).click();
  await expect(dialog.getByRole('textbox')).toHaveValue('<b>Careful</b>: this leaves the company.');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('status')).toContainText('Press Save at the top of the page');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await save(page);

  await page.reload();
  await hydrated(page);
  await expect(field(page, 'external_popup')).toContainText('PC warning text: 2 tabs written');
  await page.getByRole('button', { name: 'Edit Show alert pop-up when sending externally' }).click();
  await page.getByRole('button', { name: 'PC warning text settings' }).click();
  await expect(page.getByRole('dialog').getByRole('textbox')).toHaveValue('<b>Careful</b>: this leaves the company.');
  // Over the limit: refused in the dialog, next to the text.
  await page.getByRole('dialog').getByRole('textbox').fill('x'.repeat(501));
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('at most 500 characters');
});

test('security levels: Non-business cannot be used alone; renamed levels show their new name', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('tab', { name: 'Security level' }).click();
  await page.getByRole('button', { name: 'Edit Security level' }).click();
  await field(page, 'security_levels').getByLabel('Use', { exact: true }).check();
  await page.getByRole('button', { name: 'Edit General' }).click();
  await field(page, 'general_level').getByLabel('Do not use').check();
  await page.getByRole('button', { name: 'Edit Non-business' }).click();
  await field(page, 'non_business_level').getByLabel('Use', { exact: true }).check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(field(page, 'non_business_level').getByRole('alert')).toContainText(
    'Non-business cannot be the only security level in use',
  );

  await page.getByRole('button', { name: 'Edit Restricted' }).click();
  const restricted = field(page, 'restricted_level');
  await restricted.getByLabel('Use', { exact: true }).check();
  await restricted.getByLabel('Level name (Restricted)').fill('Internal only');
  await expect(restricted.getByLabel('Delete sent emails after expiration')).toBeDisabled();
  await restricted.getByLabel('Expires after').selectOption({ label: '1 week' });
  await restricted.getByLabel('Forwarding Prohibited').check();
  await restricted.getByLabel('Delete sent emails after expiration').check();
  await save(page);

  await page.reload();
  await hydrated(page);
  await page.getByRole('tab', { name: 'Security level' }).click();
  await expect(restricted.getByRole('heading')).toHaveText('Internal only (Restricted)');
  await expect(restricted.locator('.value')).toContainText('Expires after: 1 week');
  await page.goto('/audit');
  await expect(page.getByRole('cell').filter({ hasText: /^Restricted \(Internal only\)$/ })).toBeVisible();
});

test('the Security level tab is drawn when first opened, with its code fetched then', async ({ page, consoleErrors }) => {
  const wasm = wasmArrivals(page);
  await signIn(page, 'security_admin', { next: '/security/mail' });
  await hydrated(page);
  await expect(field(page, 'restricted_level')).toHaveCount(0);
  const loadedWithThePage = wasm.length;

  // The connection drops: the tab says its part could not be loaded, and the page keeps working.
  let refused = 0;
  await page.route(/\/pkg\/.*\.wasm$/, (route) => {
    refused += 1;
    return route.abort('internetdisconnected');
  });
  const levels = page.getByRole('tab', { name: 'Security level' });
  await levels.click();
  const panel = page.getByRole('tabpanel', { name: 'Security level' });
  const failed = panel.getByRole('alert').filter({ hasText: 'This part of the page could not be loaded' });
  await expect(failed).toBeVisible();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
  // Opening the tab again tries again.
  const refusedBefore = refused;
  await levels.click();
  await expect(failed).toBeVisible();
  await expect.poll(() => refused).toBeGreaterThan(refusedBefore);

  // Back online: "Try again" draws the levels, from code that came with the tab, not the page.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(field(page, 'restricted_level').getByRole('heading')).toHaveText('Restricted');
  await expect(failed).toHaveCount(0);
  expect(wasm.length).toBeGreaterThan(loadedWithThePage);

  // Switching tabs keeps it drawn, without fetching again.
  const fetched = wasm.length;
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(field(page, 'restricted_level')).toBeHidden();
  await levels.click();
  await expect(field(page, 'restricted_level')).toBeVisible();
  expect(wasm.length).toBe(fetched);
  expectOnlyRefusedFetches(consoleErrors);
});

test('an Auditor sees the values but no Edit buttons', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'auditor', { domain: company.domain, next: '/security/mail' });
  await expect(field(page, 'mail_backup').locator('.value')).toHaveText('ON');
  await expect(page.getByText('You can view these settings but not change them.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  await page.goto('/service/mail/general');
  await expect(field(page, 'attachment_size_limit').locator('.value')).toHaveText('20 MB');
  await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);
});

test('the Free plan sees which plans include Mail Security, and no values', async ({ page }) => {
  const company = createCompany({ plan: 'free' });
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/mail' });
  await expect(page.getByRole('heading', { name: 'Available on the Standard and Standard Plus plans' })).toBeVisible();
  await expect(page.getByText('Your company is on the Free plan')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  await expect(page.locator('#field-mail_backup')).toHaveCount(0);
});

test('designated IPs only turns import off in the same save, after asking', async ({ page }) => {
  const company = createCompany({ importMembers: 1 });
  await signIn(page, 'security_admin', { domain: company.domain, next: '/security/network' });
  await page.getByRole('button', { name: 'Edit Network access' }).click();
  await page.getByLabel('Allow access from designated IPs only').click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText("it will be set to 'Do not allow', and the import settings of 1 member will be deleted");
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Edit Designated IPs' }).click();
  const list = page.getByRole('textbox', { name: 'Designated IPs' });
  await list.fill('203.0.113.0/24\n10.1.2.3/8');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(field(page, 'allowed_networks').getByRole('alert')).toContainText('did you mean 10.0.0.0/8?');
  await list.fill('203.0.113.0/24\n2001:db8::/32');
  await save(page);
  await expect(field(page, 'allowed_networks').getByRole('listitem')).toHaveText(['203.0.113.0/24', '2001:db8::/32']);

  await page.goto('/security/mail');
  await hydrated(page);
  await expect(field(page, 'import_external_email').locator('.value')).toHaveText('Do not allow');
  await page.getByRole('button', { name: 'Edit Import external email' }).click();
  await expect(field(page, 'import_external_email').getByLabel('Allow', { exact: true })).toBeDisabled();
  await expect(field(page, 'import_external_email').getByRole('link', { name: 'Network Security' })).toBeVisible();
});

test('Mail > General limits for large files are locked while such files are not allowed', async ({ page }) => {
  const company = createCompany();
  await signIn(page, 'super_admin', { domain: company.domain, next: '/security/mail' });
  await page.getByRole('button', { name: 'Edit Files with download time limit' }).click();
  await field(page, 'download_time_limit_files').getByLabel('Do not allow').check();
  await save(page);
  await page.goto('/service/mail/general');
  await hydrated(page);
  await expect(field(page, 'large_file_max_count')).toContainText("'Files with download time limit' is set to 'Do not allow'");
  await expect(page.getByRole('button', { name: /Edit Files with download time limit: maximum/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit Attachment size limit' })).toBeVisible();
});
