import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3188';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext();
await ctx.addCookies([{ name: 'console_session', value: process.argv[2], domain: '127.0.0.1', path: '/' }]);
for (const path of ['/security/mail', '/', '/login']) {
  const page = await ctx.newPage();
  const wasm = [];
  page.on('requestfinished', (r) => { const p = new URL(r.url()).pathname; if (p.endsWith('.wasm') || p.endsWith('.js')) wasm.push(p.replace('/pkg/', '')); });
  const t0 = Date.now();
  await page.goto(base + path);
  await page.waitForSelector('body[data-hydrated="true"]');
  const hyd = await page.evaluate(() => performance.getEntriesByName('hydrated')[0]?.startTime);
  await page.waitForLoadState('networkidle');
  console.log(path, page.url(), 'hydrated', Math.round(hyd), 'ms;', wasm.join(' '));
  await page.close();
}
await browser.close();
