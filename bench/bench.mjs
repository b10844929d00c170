// The console's performance benchmark (see bench/run). Every metric is measured next to its
// baseline in the same run on this machine; the table shows ratios, not absolute promises.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, writeFileSync, rmSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_BIN: another build of the server (e.g. the one before a change), measured the same way.
const BIN = process.env.BENCH_BIN ?? join(root, 'target/server-release/server');
const PASSWORD = 'benchmark password 2026';
const MEMBERS = 300;
const ADMINS = 32;
const DURATION = process.env.BENCH_SECONDS ?? '10';
// Each comparison runs this many rounds, the baseline and the subject side by side in each (in
// alternating order), and reports medians: one noisy spell on a shared machine then moves one
// round, not the result.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? '3'));
// --postgres: also on Postgres; --only-postgres: on Postgres alone (no SQLite, browser or bundle
// rows), for comparing server settings such as DB_MAX_CONNECTIONS quickly.
const onlyPostgres = process.argv.includes('--only-postgres');
const withPostgres = onlyPostgres || process.argv.includes('--postgres');

// How long the server has been without requests when its resident set is read after the load:
// three times the allocator's decay time, as the idle figure is read with nothing running.
const REST_MS = 3000;

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (values, p) => {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] : NaN;
};

function operator(env, args) {
  execFileSync(BIN, args, { env: { ...process.env, ...env, RUST_LOG: 'error', ACCOUNT_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function wrkScript({ headers = {}, method = 'GET', body = null, extra = [] }) {
  const script = join(tmpdir(), `wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const lines = [`wrk.method = ${JSON.stringify(method)}`];
  if (body) lines.push(`wrk.body = ${JSON.stringify(body)}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  lines.push(
    ...extra,
    'done = function(summary, latency, requests)',
    '  io.write(string.format("RESULT %f %f %d %d %f\\n", summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000))',
    'end',
  );
  writeFileSync(script, lines.join('\n'));
  return script;
}

function wrkResult(out, url) {
  const m = out.match(/RESULT (\S+) (\S+) (\d+) (\d+) (\S+)/);
  if (!m) throw new Error(`wrk gave no result for ${url}:\n${out}`);
  return { rps: Number(m[1]), p99: Number(m[2]), requests: Number(m[3]), errors: Number(m[4]), p50: Number(m[5]) };
}

/** wrk against `url`; returns requests/s, p50 and p99 (ms), total requests and non-2xx/3xx responses. */
function wrk(url, { threads = 2, connections = 32, seconds = DURATION, ...request } = {}) {
  const script = wrkScript(request);
  const out = execFileSync('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  rmSync(script);
  return wrkResult(out, url);
}

const median = (values) => pct(values, 50);

/**
 * `ROUNDS` rounds of `baseline()` and `subject()` back to back (the order alternating), each a
 * wrk result. Returns the median of each side, the median of the rounds' subject/baseline
 * throughput ratios, and the subject's median p99, total requests and errors.
 */
function paired(baseline, subject) {
  const bases = [];
  const subjects = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      bases.push(baseline());
      subjects.push(subject());
    } else {
      subjects.push(subject());
      bases.push(baseline());
    }
  }
  return summarise(bases, subjects);
}

function summarise(bases, subjects) {
  const side = (runs) => ({
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  });
  return {
    base: side(bases),
    subject: side(subjects),
    ratio: median(subjects.map((s, i) => s.rps / bases[i].rps)),
    rise: median(subjects.map((s, i) => s.p99 / bases[i].p99 - 1)),
  };
}

/** `wrk` running in the background; resolves to its result when it ends. */
function wrkInBackground(url, { connections = 32, seconds = DURATION, ...request } = {}) {
  const script = wrkScript(request);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => {
      rmSync(script);
      try {
        resolve(wrkResult(out, url));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}

// BENCH_SMAPS_DIR: also keep the server's memory map at idle and after the run, for finding where
// the resident set grew (`<label>-idle.smaps`, `<label>-after.smaps`), and which pages of its
// program code are resident (`<label>-idle.pagemap`, `<label>-after.pagemap`: for each mapping of
// its code, the address range and file offset, then one character a page, 1 when resident, from
// /proc/<pid>/pagemap's "present" bit).
function keepSmaps(pid, name) {
  const dir = process.env.BENCH_SMAPS_DIR;
  if (!dir) return;
  writeFileSync(join(dir, `${name}.smaps`), readFileSync(`/proc/${pid}/smaps`));
  const program = readlinkSync(`/proc/${pid}/exe`);
  const code = readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter((f) => f[1] === 'r-xp' && f[5] === program);
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  let out = '';
  try {
    for (const [range, , offset] of code) {
      const [start, end] = range.split('-').map((x) => parseInt(x, 16));
      const entries = Buffer.alloc(((end - start) / 4096) * 8);
      readSync(fd, entries, 0, entries.length, (start / 4096) * 8);
      let pages = '';
      for (let i = 7; i < entries.length; i += 8) pages += entries[i] & 0x80 ? '1' : '0';
      out += `${range} ${offset}\n${pages}\n`;
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(dir, `${name}.pagemap`), out);
}

async function startServer(databaseUrl) {
  const port = await freePort();
  const env = {
    DATABASE_URL: databaseUrl,
    BIND_ADDR: `127.0.0.1:${port}`,
    SESSION_COOKIE_SECURE: 'false',
    SEED_DEMO: 'false',
    LEPTOS_SITE_ROOT: join(root, 'target/site'),
    LEPTOS_ENV: 'PROD',
    RUST_LOG: 'error',
    BENCH_BASELINES: 'true',
    SIGNIN_MAX_FAILURES_PER_CLIENT: '1000000000',
    SIGNIN_MAX_FAILURES_PER_ACCOUNT: '1000000000',
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    // The server's default pool size unless DB_MAX_CONNECTIONS is set.
    ...(process.env.DB_MAX_CONNECTIONS ? { DB_MAX_CONNECTIONS: process.env.DB_MAX_CONNECTIONS } : {}),
  };
  // Provision: companies (one per admin, so concurrent saves never conflict), admins, members.
  operator(env, ['company', 'create', '--name', 'Bench', '--domain', 'bench.example', '--plan', 'standard']);
  operator(env, ['user', 'create', '--company', 'bench.example', '--email', 'admin@bench.example', '--name', 'Bench admin', '--role', 'super_admin']);
  operator(env, ['user', 'create-members', '--company', 'bench.example', '--count', String(MEMBERS)]);
  // One member in ten imports mail from another provider (the Mail Security page counts them).
  for (let i = 10; i <= MEMBERS; i += 10) {
    operator(env, ['user', 'add-import-setting', '--email', `member${i}@bench.example`, '--address', `member${i}@elsewhere.example`, '--host', 'imap.elsewhere.example']);
  }
  for (let i = 0; i < ADMINS; i++) {
    operator(env, ['company', 'create', '--name', `Bench ${i}`, '--domain', `b${i}.bench.example`, '--plan', 'standard']);
    operator(env, ['user', 'create', '--company', `b${i}.bench.example`, '--email', `admin@b${i}.bench.example`, '--name', `Admin ${i}`, '--role', 'super_admin']);
  }
  const child = spawn(BIN, ['serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  // Up to a minute: a server run under valgrind (to see which functions it runs) starts slowly.
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) {
    try {
      ready = (await fetch(`${base}/readyz`)).ok;
    } catch {}
    if (!ready) await sleep(100);
  }
  if (!ready) {
    child.kill('SIGTERM');
    throw new Error(`the server at ${base} was not ready within a minute`);
  }
  return { child, base, env };
}

async function signIn(base, email) {
  const res = await fetch(`${base}/api/sign_in`, { method: 'POST', body: new URLSearchParams({ email, password: PASSWORD }) });
  if (!res.ok) throw new Error(`sign-in ${email}: ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

// The company's languages, and a warning text for each tab (the default tab and one per language).
const LANGUAGES = ['en', 'ko', 'ja', 'zh-Hans', 'zh-Hant'];
const WARNING = {
  default: 'You are sending this email outside the company. Check every recipient and attachment before you send it.',
  en: 'You are sending this email outside the company. Check every recipient and attachment before you send it.',
  ko: '회사 외부로 메일을 보내려고 합니다. 보내기 전에 받는 사람과 첨부 파일을 모두 확인하세요.',
  ja: '社外にメールを送信しようとしています。送信する前に、すべての宛先と添付ファイルを確認してください。',
  'zh-Hans': '您正在向公司外部发送邮件。发送前请检查所有收件人和附件。',
  'zh-Hant': '您正在向公司外部傳送郵件。傳送前請檢查所有收件者和附件。',
};

/**
 * Gives a company the settings of one that uses every feature, through the console's own load and
 * save calls as an admin would: every language; warning texts on every tab, PC and mobile; the
 * pop-up on, conditionally; every security level in use, renamed, expiring, with forwarding
 * prohibited; a list of allowed networks (access still from all addresses, so that importing
 * external mail stays allowed); limits other than the defaults.
 */
async function fillSettings(base, cookie) {
  const texts = (device) => Object.fromEntries(Object.entries(WARNING).map(([tab, text]) => [tab, `[${device}] ${text}\n${text}`]));
  const level = (name, expiresAfter) => ({ in_use: true, name, expires_after: expiresAfter, forwarding_prohibited: true, delete_sent_after_expiration: true });
  const pages = [
    ['load_languages', 'save_languages', { languages: LANGUAGES }],
    ['load_network_security', 'save_network_security', {
      allowed_networks: [...Array.from({ length: 24 }, (_, i) => `198.51.${i}.0/24`), '203.0.113.7', '2001:db8:1::/48', '2001:db8:2::/48'],
    }],
    ['load_mail_general', 'save_mail_general', { attachment_size_limit: 25, large_file_max_count: 5, large_file_max_size: 2048 }],
    ['load_mail_security', 'save_mail_security', {
      external_image_blocking: 'required',
      external_alert_banner: true,
      external_popup: { on: true, apply: { conditionally: 'attachments_and_not_sent_individually' } },
      warning_texts_pc: texts('PC'),
      warning_texts_mobile: texts('Mobile'),
      security_levels: true,
      restricted_level: level('Internal only', 'one_month'),
      confidential_level: level('Board only', 'one_week'),
      non_business_level: true,
    }],
  ];
  for (const [load, save, values] of pages) {
    const { body } = await call(base, cookie, load);
    const changes = Object.entries(values).map(([key, value]) => ({ key, value, base_version: body.versions[key] ?? 0 }));
    const res = await call(base, cookie, save, { changes });
    if (res.status !== 200) throw new Error(`${save}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

async function call(base, cookie, fn, body) {
  const res = await fetch(`${base}/api/${fn}`, {
    method: 'POST',
    headers: body ? { Cookie: cookie, 'Content-Type': 'application/json' } : { Cookie: cookie },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/**
 * Saves by `ADMINS` concurrent admins for `seconds`; each save's latency in ms. With `thinkMs`,
 * each admin pauses a random time (exponential, that mean) between saves, as people do; with 0
 * they save back to back, which measures the most saves the server can take.
 */
async function saveLoad(base, cookies, seconds, thinkMs) {
  const latencies = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      let page = (await call(base, cookie, 'load_mail_security')).body;
      let value = false;
      while (Date.now() < until) {
        if (thinkMs > 0) await sleep(-Math.log(1 - Math.random()) * thinkMs);
        value = !value;
        const started = performance.now();
        const res = await call(base, cookie, 'save_mail_security', {
          changes: [{ key: 'mail_backup', value, base_version: page.versions.mail_backup }],
        });
        latencies.push(performance.now() - started);
        if (res.status !== 200) errors += 1;
        else page = res.body;
      }
    }),
  );
  return { p99: pct(latencies, 99), p50: pct(latencies, 50), count: latencies.length, errors, perSecond: latencies.length / seconds };
}

/**
 * The same saves driven by wrk: one wrk thread per admin, each with its own session, sending
 * the save with the version its last answer gave and, with `thinkMs`, pausing a random time
 * (exponential, that mean) before each save. wrk is far lighter than this script, so the
 * latencies are the server's and not the load generator's.
 */
async function saveLoadWrk(base, cookies, seconds, thinkMs) {
  const versions = [];
  for (const cookie of cookies) versions.push((await call(base, cookie, 'load_mail_security')).body.versions.mail_backup);
  const r = wrk(`${base}/api/save_mail_security`, {
    threads: cookies.length,
    connections: cookies.length,
    seconds,
    method: 'POST',
    extra: [
      `cookies = {${cookies.map((c) => JSON.stringify(c)).join(', ')}}`,
      `versions = {${versions.join(', ')}}`,
      'local next_id = 0',
      'setup = function(thread)',
      '  thread:set("id", next_id)',
      '  next_id = next_id + 1',
      'end',
      'init = function(args)',
      '  math.randomseed(id + 1)',
      '  cookie = cookies[id + 1]',
      '  version = versions[id + 1]',
      '  value = false',
      'end',
      ...(thinkMs > 0 ? ['delay = function()', `  return math.floor(-math.log(1 - math.random()) * ${thinkMs})`, 'end'] : []),
      'request = function()',
      '  value = not value',
      `  local body = string.format('{"changes":[{"key":"mail_backup","value":%s,"base_version":%d}]}', tostring(value), version)`,
      '  return wrk.format(nil, nil, { Cookie = cookie, ["Content-Type"] = "application/json" }, body)',
      'end',
      'response = function(status, headers, body)',
      `  local v = body:match('"mail_backup":(%d+)')`,
      '  if status == 200 and v then version = tonumber(v) end',
      'end',
    ],
  });
  return { p99: r.p99, p50: r.p50, count: r.requests, errors: r.errors, perSecond: r.requests / seconds };
}

/**
 * Failed sign-ins from `n` concurrent connections for `seconds`, by wrk (a load generator much
 * lighter than this script, so the storm's cost is the server's): wrong passwords for the
 * benchmark's admins in turn.
 */
function signInStorm(base, n, seconds) {
  const emails = Array.from({ length: ADMINS }, (_, i) => `admin@b${i}.bench.example`);
  return wrkInBackground(`${base}/api/sign_in`, {
    connections: n,
    seconds,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    extra: [
      `emails = {${emails.map((e) => JSON.stringify(e)).join(', ')}}`,
      'counter = 0',
      'request = function()',
      '  counter = counter + 1',
      '  local body = "email=" .. emails[(counter % #emails) + 1] .. "&password=wrong+password+here"',
      '  return wrk.format(nil, nil, nil, body)',
      'end',
    ],
  });
}

async function hydrationTimes(base, cookie, loads = 10) {
  const { chromium } = await import(join(root, 'end2end/node_modules/playwright-core/index.mjs'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext();
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const times = [];
  let files = [];
  for (let i = 0; i < loads + 1; i++) {
    await page.goto(`${base}/security/mail`);
    await page.waitForSelector('body[data-hydrated="true"]');
    const t = await page.evaluate(() => performance.getEntriesByName('hydrated')[0]?.startTime ?? NaN);
    if (i > 0) times.push(t); // the first load warms the browser's caches
    if (i === 0) {
      // Everything the first page fetched from the build's folder: the main wasm, js and css
      // and the chunks of code split off for this page.
      files = await page.evaluate(() => [...new Set(performance.getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith('/pkg/')))]);
    }
  }
  await browser.close();
  return { times, files: files.map((p) => p.slice('/pkg/'.length)) };
}

/// The allocator's counters (bytes in use, resident, ...) as the server reports them; with
/// BENCH_SMAPS_DIR and a name also kept there as `<name>.allocator.json`.
async function allocatorCounters(base, name) {
  const res = await fetch(`${base}/bench/memory`);
  if (!res.ok) throw new Error(`/bench/memory: ${res.status}`);
  const counters = await res.json();
  const dir = process.env.BENCH_SMAPS_DIR;
  if (dir && name) writeFileSync(join(dir, `${name}.allocator.json`), JSON.stringify(counters, null, 2) + '\n');
  return counters;
}

/// How many of the functions the server reads in at start (`server/pgo/executed-functions.txt.gz`)
/// the measured build still has. The list names functions as the linker does, and the name of a
/// generic function's instance changes with the code it was made from, so code changes since the
/// list was made drop names from it: those functions then lie among the rest of the code, and the
/// load maps them in (the memory rows). `scripts/executed-functions` then
/// `scripts/faulting-functions` make the list anew.
function startListRow() {
  let names;
  try {
    const symbols = execFileSync('nm', ['--defined-only', BIN], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    names = new Set(symbols.split('\n').map((line) => line.split(' ')[2]));
  } catch {
    return; // not a program nm can read (a wrapper script, as the list's own scripts run)
  }
  const list = gunzipSync(readFileSync(join(root, 'server/pgo/executed-functions.txt.gz'))).toString().split('\n').filter(Boolean);
  const found = list.filter((name) => names.has(name)).length;
  row('functions of the list read in at start found in this build', String(list.length), String(found), f2(found / list.length), 'info', true);
}

/// Sizes of the named files of a build's `pkg` folder.
function bundle(dir, names) {
  const files = names.map((n) => join(dir, n));
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    try {
      const data = readFileSync(f);
      raw += data.length;
      gz += gzipSync(data, { level: 9 }).length;
    } catch {}
  }
  return { raw, gz };
}

const rows = [];
function row(metric, baseline, value, ratio, budget, pass) {
  rows.push({ metric, baseline, value, ratio, budget, pass });
}
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
// One decimal: a rise of 10.04 % against a budget of +10 % must not print as "+10%" beside FAIL.
const signedPct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/// The wasm bundle rows: what the Mail Security page loaded in the browser, against the empty
/// app's wasm, js and css.
function bundleRows(files) {
  const console_ = bundle(join(root, 'target/site/pkg'), files);
  const empty = bundle(join(root, 'bench/empty-app/target/site/pkg'), ['.wasm', '.js', '.css'].map((ext) => `empty_app${ext}`));
  const label = `wasm+js+css for the first page (${files.length} files)`;
  row(`${label}, gzip KB`, empty.gz ? f1(empty.gz / 1024) : '-', f1(console_.gz / 1024), f2(console_.gz / empty.gz), '<= 220', console_.gz / 1024 <= 220);
  row(`${label}, raw KB`, empty.raw ? f1(empty.raw / 1024) : '-', f1(console_.raw / 1024), f2(console_.raw / empty.raw), '<= 650', console_.raw / 1024 <= 650);
}

async function measure(label, databaseUrl) {
  const { child, base } = await startServer(databaseUrl);
  try {
    // The first read of the allocator's counters runs code and sets up statistics of jemalloc's
    // that nothing else in the server touches (about 0.14 MB of program code alone). Read once
    // before the idle figure, so that this measuring of the benchmark's own is in both figures
    // instead of counting as the server's growth.
    await allocatorCounters(base);
    await sleep(500);
    const idleRss = rssKb(child.pid);
    keepSmaps(child.pid, `${label}-idle`);
    const idleHeap = await allocatorCounters(base, `${label}-idle`);
    const admin = await signIn(base, 'admin@bench.example');
    await fillSettings(base, admin);
    const companyId = (await (await fetch(`${base}/bench/company-id/bench.example`)).json()).id;

    // SSR of Mail Security vs a static file of the same size, through the same server.
    const page = await (await fetch(`${base}/security/mail`, { headers: { Cookie: admin } })).text();
    writeFileSync(join(root, 'target/site/bench-static.html'), 'x'.repeat(Buffer.byteLength(page)));
    const ssr = paired(() => wrk(`${base}/bench-static.html`), () => wrk(`${base}/security/mail`, { headers: { Cookie: admin } }));
    row(`[${label}] SSR Mail Security page, req/s`, f1(ssr.base.rps), f1(ssr.subject.rps), f2(ssr.ratio), '>= 0.15', ssr.ratio >= 0.15 && ssr.subject.errors === 0);
    row(`[${label}] SSR Mail Security page, p99 ms`, f1(ssr.base.p99), f1(ssr.subject.p99), '', '<= 25', ssr.subject.p99 <= 25);
    // The resident set once the server has served its first 32-connection runs, for the row that
    // tells a leak (growth that goes on) from memory taken once (code first run, caches, threads).
    const warmRss = rssKb(child.pid);
    // Like `served` below, this leaves out the few calls of the sign-in and the settings' set-up.
    const warmServed = ssr.base.requests + ssr.subject.requests;

    // A read server function vs a bare handler doing the same query.
    const readFn = paired(() => wrk(`${base}/bench/bare/settings/${companyId}`), () => wrk(`${base}/api/load_mail_security`, { method: 'POST', headers: { Cookie: admin } }));
    row(`[${label}] read server fn (current settings), req/s`, f1(readFn.base.rps), f1(readFn.subject.rps), f2(readFn.ratio), '>= 0.60', readFn.ratio >= 0.6 && readFn.subject.errors === 0);

    // The policy API and a send decision vs bare handlers; the 304 path.
    const created = await fetch(`${base}/api/create_api_token`, { method: 'POST', headers: { Cookie: admin }, body: new URLSearchParams({ name: 'bench' }) });
    const secret = (await created.json())[0];
    const auth = { Authorization: `Bearer ${secret}` };
    const barePolicy = () => wrk(`${base}/bench/bare/policy/${companyId}`);
    const apiPolicy = paired(barePolicy, () => wrk(`${base}/api/v1/policy`, { headers: auth }));
    row(`[${label}] API effective policy, req/s`, f1(apiPolicy.base.rps), f1(apiPolicy.subject.rps), f2(apiPolicy.ratio), '>= 0.60', apiPolicy.ratio >= 0.6 && apiPolicy.subject.errors === 0);
    const etag = (await fetch(`${base}/api/v1/policy`, { headers: auth })).headers.get('etag');
    const notModified = paired(barePolicy, () => wrk(`${base}/api/v1/policy`, { headers: { ...auth, 'If-None-Match': etag } }));
    row(`[${label}] API policy 304 path, req/s`, f1(notModified.base.rps), f1(notModified.subject.rps), f2(notModified.ratio), '>= 0.90', notModified.ratio >= 0.9 && notModified.subject.errors === 0);
    const sendBody = JSON.stringify({
      sender: { kind: 'member' },
      recipients: ['a@bench.example', 'partner@example.net'],
      attachments: [{ name: 'a.pdf', size_bytes: 5_000_000 }, { name: 'b.zip', size_bytes: 50_000_000 }],
      device: 'pc', language: 'ko', security_level: null, sent_at: 1_800_000_000,
    });
    const json = { 'Content-Type': 'application/json' };
    const apiSend = paired(
      () => wrk(`${base}/bench/bare/send/${companyId}`, { method: 'POST', body: sendBody, headers: json }),
      () => wrk(`${base}/api/v1/decisions/send`, { method: 'POST', body: sendBody, headers: { ...auth, ...json } }),
    );
    row(`[${label}] API send decision, req/s`, f1(apiSend.base.rps), f1(apiSend.subject.rps), f2(apiSend.ratio), '>= 0.60', apiSend.ratio >= 0.6 && apiSend.subject.errors === 0);

    // Saves at 32 concurrent admins.
    const cookies = [];
    for (let i = 0; i < ADMINS; i++) cookies.push(await signIn(base, `admin@b${i}.bench.example`));
    for (const cookie of cookies) await fillSettings(base, cookie);
    // Each admin saves four times a second on average (people save a few times a minute).
    // A short untimed spell first: each company's first save loads its settings into memory.
    await saveLoadWrk(base, cookies, 2, 250);
    const saveRounds = [];
    for (let i = 0; i < ROUNDS; i++) saveRounds.push(await saveLoadWrk(base, cookies, Number(DURATION), 250));
    const saves = {
      p99: median(saveRounds.map((r) => r.p99)),
      count: saveRounds.reduce((n, r) => n + r.count, 0),
      errors: saveRounds.reduce((n, r) => n + r.errors, 0),
    };
    row(`[${label}] save at ${ADMINS} concurrent admins (each ~4/s), p99 ms`, '-', `${f1(saves.p99)} (${saves.count} saves, ${saves.errors} errors)`, '', '<= 10, 0 errors', saves.p99 <= 10 && saves.errors === 0);
    // The same saves from this script's own HTTP client, as the benchmark measured them before
    // (information: what a heavier client on the same two cores adds to each round trip).
    const nodeSaves = await saveLoad(base, cookies, Number(DURATION), 250);
    row(`[${label}] the same saves from a Node.js client, p99 ms`, '-', `${f1(nodeSaves.p99)} (${nodeSaves.count} saves, ${nodeSaves.errors} errors)`, '', 'info', true);
    // The same admins saving back to back: how many saves the server takes, and their p99.
    const flat = await saveLoadWrk(base, cookies, Number(DURATION), 0);
    row(`[${label}] saves back to back by ${ADMINS} admins, p99 ms`, '-', `${f1(flat.p99)} (${f1(flat.perSecond)} saves/s, ${flat.errors} errors)`, '', 'info', flat.errors === 0);

    // A storm of 20 concurrent failed sign-ins: other calls' p99 against the same calls alone.
    const other = () => wrk(`${base}/api/load_mail_security`, { method: 'POST', headers: { Cookie: admin }, connections: 8 });
    const calms = [];
    const stormies = [];
    const failureRuns = [];
    for (let i = 0; i < ROUNDS; i++) {
      calms.push(other());
      const attack = signInStorm(base, 20, Number(DURATION) + 2);
      await sleep(1000);
      stormies.push(other());
      failureRuns.push(await attack);
    }
    const storm = summarise(calms, stormies);
    row(`[${label}] other calls' p99 during a sign-in storm, ms`, f1(storm.base.p99), f1(storm.subject.p99), signedPct(storm.rise), '<= +20%', storm.rise <= 0.2);
    // Control (information): the same calls beside one busy loop in another process at the idle
    // scheduling class, the class of the storm's hashing thread, doing no memory work at all. What
    // it adds is what any use of the spare core costs the other calls' tail on this machine.
    const calmsBeside = [];
    const spins = [];
    for (let i = 0; i < ROUNDS; i++) {
      calmsBeside.push(other());
      const spin = spawn('chrt', ['--idle', '0', 'timeout', String(Number(DURATION) + 2), process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
      const spun = new Promise((ok) => spin.on('exit', ok));
      await sleep(1000);
      spins.push(other());
      await spun;
    }
    const control = summarise(calmsBeside, spins);
    row(`[${label}] the same calls beside an idle-class busy loop, p99 ms`, f1(control.base.p99), f1(control.subject.p99), signedPct(control.rise), 'info', true);
    // The hash itself, as the server timed it (without the wait for a hashing slot) ...
    const hashes = await (await fetch(`${base}/bench/argon2`)).json();
    const argonP50 = pct(hashes, 50);
    row(`[${label}] argon2 hash during the storm, p50 ms (${hashes.length} hashes)`, '-', f1(argonP50), '', '<= 60', argonP50 <= 60);
    // ... and a failed sign-in from outside, which also waits for its turn (informational: the
    // queue is what keeps the storm from taking every core).
    row(`[${label}] failed sign-in during the storm incl. queue, p50 ms`, '-', `${f1(median(failureRuns.map((f) => f.p50)))} (${failureRuns.reduce((n, f) => n + f.requests, 0)} sign-ins)`, '', 'info', true);

    // Memory: idle, then after 100k requests.
    const total = wrk(`${base}/healthz`, { seconds: 1 }).requests; // warm-up, counted below
    const both = (c) => c.base.requests + c.subject.requests;
    let served = both(ssr) + both(readFn) + both(apiPolicy) + both(notModified) + both(apiSend) + both(storm) + both(control) + total;
    while (served < 100_000) served += wrk(`${base}/api/v1/policy`, { headers: auth, seconds: 2 }).requests;
    const endRss = rssKb(child.pid);
    // The figure the budget is on: at rest, as the idle one is. Pages the program has freed go back
    // to the system from jemalloc's own thread within its decay time (1 s, `.cargo/config.toml`);
    // until then they count as resident although nothing holds them.
    await sleep(REST_MS);
    const afterRss = rssKb(child.pid);
    keepSmaps(child.pid, `${label}-after`);
    const afterHeap = await allocatorCounters(base, `${label}-after`);
    row(`[${label}] idle RSS, MB`, '-', f1(idleRss / 1024), '', '<= 40', idleRss / 1024 <= 40);
    row(`[${label}] RSS ${REST_MS / 1000} s after ${Math.round(served / 1000)}k requests, MB`, f1(idleRss / 1024), f1(afterRss / 1024), signedPct(afterRss / idleRss - 1), '<= +10%', afterRss / idleRss - 1 <= 0.1);
    row(`[${label}] RSS as the last request ended, MB`, f1(idleRss / 1024), f1(endRss / 1024), signedPct(endRss / idleRss - 1), 'info', true);
    // Both read as requests ended, so that the allocator's returning of freed pages is in neither.
    row(`[${label}] RSS after ${Math.round(served / 1000)}k requests against after the first ${Math.round(warmServed / 1000)}k, MB`, f1(warmRss / 1024), f1(endRss / 1024), signedPct(endRss / warmRss - 1), 'info', true);
    // Of that, what the allocator holds: the program's live objects, and the pages around them.
    const mb = (b) => f1(b / 1048576);
    for (const [what, key] of [['objects in use', 'allocated'], ['resident pages', 'resident'], ['thread caches', 'tcache']]) {
      const [idle, after] = [idleHeap[key], afterHeap[key]];
      row(`[${label}] the allocator's ${what}, MB`, mb(idle), mb(after), `${after >= idle ? '+' : ''}${mb(after - idle)} MB`, 'info', true);
    }

    if (label === 'SQLite') {
      const { times, files } = await hydrationTimes(base, admin);
      const median = pct(times, 50);
      row('hydration finished after navigation start, median of 10, ms', '-', f1(median), '', '<= 200', median <= 200);
      bundleRows(files);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const work = mkdtempSync(join(tmpdir(), 'console-bench-'));
try {
  if (!onlyPostgres) await measure('SQLite', `sqlite://${work}/bench.db?mode=rwc`);
  if (withPostgres) {
    const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `console_bench_${process.pid}`;
    spawnSync('psql', [admin, '-c', `CREATE DATABASE ${name}`], { stdio: 'ignore' });
    try {
      await measure('Postgres', `${admin.replace(/\/[^/]*$/, '')}/${name}`);
    } finally {
      spawnSync('psql', [admin, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore' });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(join(root, 'target/site/bench-static.html'), { force: true });
}

startListRow();

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
const date = new Date().toISOString();
const widths = ['metric', 'baseline', 'value', 'ratio', 'budget', 'pass'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(`\nBenchmark, ${date}, ${machine}\n`);
console.log(line(['metric', 'baseline', 'value', 'ratio', 'budget', 'pass']));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line([r.metric, r.baseline, r.value, r.ratio, r.budget, r.pass ? 'pass' : 'FAIL']));
writeFileSync(join(root, 'bench/results.json'), JSON.stringify({ date, machine, rows }, null, 2) + '\n');
const failed = rows.filter((r) => !r.pass).length;
console.log(`\n${failed === 0 ? 'All budgets met.' : `${failed} budget(s) missed.`} Results written to bench/results.json`);
process.exit(failed === 0 ? 0 : 1);
