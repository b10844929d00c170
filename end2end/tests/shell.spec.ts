import { test, expect, signIn, hydrated, openMenu, isPhone, PASSWORD, emailOf, expectOnlyRefusedFetches } from './fixtures';

test('an admin signs in, sees the shell, stays signed in across a reload, and signs out', async ({ page }) => {
  await signIn(page, 'super_admin');
  await expect(page.getByRole('heading', { name: 'Admin console' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Acme' })).toBeVisible();
  if (!isPhone(page)) {
    await expect(page.getByText('Acme super admin', { exact: true })).toBeVisible();
  }
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Admin console' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in to the admin console' })).toBeVisible();
  // The session is gone on the server: the console sends us back to sign in.
  await page.goto('/security/mail');
  await expect(page).toHaveURL(/\/login\?next=\/security\/mail/);
});

test('signing out works on a page that is not live (its code could not be fetched)', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin');
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto('/security/mail');
  await expect(page.getByText('could not be fully loaded')).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);

  expectOnlyRefusedFetches(consoleErrors);

  // The button posts its form to the server, which ends the session and sends the browser back.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?next=\/security\/mail/);
  await hydrated(page);
  await page.goto('/security/mail');
  await expect(page).toHaveURL(/\/login\?next=\/security\/mail/);
});

test('a wrong password shows one generic message and stays on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf('auditor'));
  await page.getByLabel('Password').fill('certainly not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await expect(page).toHaveURL(/\/login/);
});

test('a member is told the console is not for them', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf('member'));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Members cannot sign in to the admin console');
});

test('signing in returns to the page asked for, also after signing out there', async ({ page }) => {
  await page.goto('/security/network');
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf('security_admin'));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/security\/network$/);
  await expect(page.getByRole('heading', { name: 'Network Security', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await hydrated(page);
  await page.getByLabel('Email').fill(emailOf('security_admin'));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/security\/network$/);
});

test('menu entries differ by role', async ({ page, browser }) => {
  await signIn(page, 'mail_admin');
  await openMenu(page);
  const menu = page.getByRole('navigation', { name: 'Admin menu' });
  await expect(menu.getByRole('link')).toHaveText(['Mail > General']);

  const other = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const auditorPage = await other.newPage();
  await signIn(auditorPage, 'auditor');
  await openMenu(auditorPage);
  await expect(auditorPage.getByRole('navigation', { name: 'Admin menu' }).getByRole('link')).toHaveText([
    'Mail Security',
    'Network Security',
    'API tokens',
    'Mail > General',
    'Set Multi-language',
    'Audit log',
  ]);
  await other.close();
});

test('a page outside the role shows "No permission"', async ({ page }) => {
  await signIn(page, 'mail_admin');
  await page.goto('/company/administrators');
  await expect(page.getByRole('heading', { name: 'No permission' })).toBeVisible();
});

test('the mobile menu opens and closes by button, Escape, outside tap and navigation', async ({ page }) => {
  test.skip(!isPhone(page), 'the menu button exists on narrow screens only');
  await signIn(page, 'super_admin');
  const button = page.getByRole('button', { name: 'Menu' });
  const menu = page.getByRole('navigation', { name: 'Admin menu' });
  await expect(menu).toBeHidden();
  await expect(button).toHaveAttribute('aria-expanded', 'false');

  await button.click();
  await expect(menu).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await button.click();
  await expect(menu).toBeHidden();

  await button.click();
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  await button.click();
  await expect(menu).toBeVisible();
  const size = page.viewportSize()!;
  await page.mouse.click(size.width - 10, size.height - 10);
  await expect(menu).toBeHidden();

  await button.click();
  await menu.getByRole('link', { name: 'Network Security' }).click();
  await expect(page).toHaveURL(/\/security\/network$/);
  await expect(menu).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Network Security', level: 1 })).toBeVisible();
});

test('the desktop menu is always visible with expandable groups', async ({ page }) => {
  test.skip(isPhone(page), 'desktop layout');
  await signIn(page, 'super_admin');
  const menu = page.getByRole('navigation', { name: 'Admin menu' });
  await expect(menu).toBeVisible();
  await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
  await menu.getByText('Security', { exact: true }).click();
  await expect(menu.getByRole('link', { name: 'Mail Security' })).toBeHidden();
  await menu.getByText('Security', { exact: true }).click();
  await menu.getByRole('link', { name: 'Mail Security' }).click();
  await expect(page.getByRole('heading', { name: 'Mail Security', level: 1 })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Mail Security' })).toHaveAttribute('aria-current', 'page');
});

test('the link back from a page that does not exist opens the console in place', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin');
  await page.goto('/no-such-page');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  // That page answers 404 on purpose, and the browser logs it; nothing else may be logged.
  expect(consoleErrors).toEqual([expect.stringContaining('status of 404')]);
  consoleErrors.length = 0;
  // The shell is built in the browser this time (no page load): it asks who is signed in.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByRole('link', { name: 'Back to the admin console' }).click();
  await expect(page.getByRole('heading', { name: 'Admin console' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Acme' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});

test('a page whose code cannot be fetched says so, and the rest of the console keeps working', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin', { next: '/security/mail' });
  await hydrated(page);
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort('internetdisconnected'));
  await openMenu(page);
  await page.getByRole('navigation', { name: 'Admin menu' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'This page could not be loaded', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Check the connection' })).toBeVisible();

  // Mail Security needs no more code: the menu still takes the admin there, and back.
  await openMenu(page);
  await page.getByRole('navigation', { name: 'Admin menu' }).getByRole('link', { name: 'Mail Security' }).click();
  await expect(page.getByRole('heading', { name: 'Mail Security', level: 1 })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'This page could not be loaded', level: 1 })).toBeVisible();

  // Back online, a full load of the page brings it.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await page.getByRole('link', { name: 'Load the page again' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await hydrated(page);

  expectOnlyRefusedFetches(consoleErrors);
});

test('a page loaded directly whose code cannot be fetched is loaded once more, then left as the server drew it, with a notice and links that work', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin');
  let loads = 0;
  page.on('request', (r) => {
    if (r.resourceType() === 'document' && new URL(r.url()).pathname === '/audit') loads += 1;
  });
  const chunk = /split_audit_log_page[^/]*\.wasm$/;
  await page.route(chunk, (route) => route.abort('internetdisconnected'));
  await page.goto('/audit');
  // Loaded again once, which fails the same way; then no more tries, and no error but the refusals.
  await expect.poll(() => loads).toBe(2);
  await page.waitForLoadState('networkidle');
  expect(loads).toBe(2);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  // The admin is told that the page is not working, above its content, with a way to retry.
  const notice = page.locator('main').getByRole('alert').filter({ hasText: 'could not be fully loaded' });
  await expect(notice).toContainText('some of its buttons and forms may not work');
  const again = notice.getByRole('link', { name: 'Load the page again' });
  await expect(again).toHaveAttribute('href', /\/audit$/);
  // The page's links still lead to their pages, which load and work.
  await page.getByRole('link', { name: 'Acme' }).click();
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  await expect(page.getByText('could not be fully loaded')).toHaveCount(0);
  await page.goBack();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(notice).toBeVisible();

  // Back online, following the notice's link makes the page live, without the notice.
  await page.unroute(chunk);
  await again.click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.getByText('could not be fully loaded')).toHaveCount(0);
  expectOnlyRefusedFetches(consoleErrors);
});

test('a page whose main code cannot be fetched is loaded once more, then says so, and loading it again makes it live', async ({ page, consoleErrors }) => {
  await signIn(page, 'super_admin');
  let loads = 0;
  page.on('request', (r) => {
    if (r.resourceType() === 'document' && new URL(r.url()).pathname === '/security/mail') loads += 1;
  });
  for (const file of [/\/pkg\/mail_security_console\.wasm$/, /\/pkg\/mail_security_console\.js$/]) {
    loads = 0;
    await page.route(file, (route) => route.abort('internetdisconnected'));
    await page.goto('/security/mail');
    // Loaded again once by itself, which fails the same way; then the notice, and no more tries.
    await expect.poll(() => loads).toBe(2);
    const notice = page.locator('main').getByRole('alert').filter({ hasText: 'could not be fully loaded' });
    await expect(notice).toContainText('Check the connection, then load the page again.');
    await page.waitForLoadState('networkidle');
    expect(loads).toBe(2);
    await expect(page.getByRole('heading', { name: 'Mail Security', level: 1 })).toBeVisible();
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);

    await page.unroute(file);
    await notice.getByRole('link', { name: 'Load the page again' }).click();
    await hydrated(page);
    await expect(page.getByText('could not be fully loaded')).toHaveCount(0);
  }

  // A connection that drops once: the second load, made by the page itself, brings it live.
  loads = 0;
  let refused = 0;
  await page.route(/\/pkg\/mail_security_console\.wasm$/, (route) => {
    if (refused++ === 0) return route.abort('internetdisconnected');
    return route.continue();
  });
  await page.goto('/security/mail');
  await hydrated(page);
  expect(loads).toBe(2);
  await expect(page.getByText('could not be fully loaded')).toHaveCount(0);
  expectOnlyRefusedFetches(consoleErrors);
});

test('a page with code of its own names that code in its head, so the browser fetches it with the page', async ({ page }) => {
  // The `<link rel="preload">` tags of the page at `path` that name the chunk `chunk`.
  const preloadsOf = async (path: string, chunk: string) => {
    const links = (await (await page.request.get(path)).text()).match(/<link[^>]*>/g) ?? [];
    return links.filter((l) => l.includes('rel="preload"') && new RegExp(`${chunk}[^"]*\\.wasm"`).test(l));
  };
  expect(await preloadsOf('/login', 'split_login_page')).toHaveLength(1);
  await signIn(page, 'super_admin');
  expect(await preloadsOf('/audit', 'split_audit_log_page')).toHaveLength(1);
  // Mail Security's code is in the main part: it names no chunk.
  const mail = await (await page.request.get('/security/mail')).text();
  expect(mail).not.toMatch(/split_[a-z_]+\.wasm/);
});
