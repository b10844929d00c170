import { defineConfig, devices } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

const port = Number(process.env.E2E_PORT ?? 3100);
// The server's database folder; tests provision their own companies in it (see fixtures.ts).
// Derived from the port so that the runner and its workers agree on it.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `console-e2e-${port}`);
// The release server the suite starts and whose operator commands the tests run (fixtures.ts).
process.env.SERVER_BIN ??= path.join(__dirname, '..', 'target', 'server-release', 'server');
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
    },
    {
      name: 'phone',
      use: { ...devices['Pixel 5'], launchOptions: chromium },
    },
  ],
  webServer: {
    command: './start-server.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
