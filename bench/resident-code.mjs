#!/usr/bin/env node
// Which of the server's functions lie in the pages of its code that were resident, beyond the part
// it reads in at start: `node bench/resident-code.mjs <label>-after.pagemap <server binary>
// [bytes read in at start]` (a map kept by `bench/bench.mjs` with BENCH_SMAPS_DIR, the binary that
// ran, and by default `server/pgo/executed-code-bytes`). Prints each run of resident pages past
// that part with the number of functions in it and the first few by name: the functions that
// mapped those pages in are among them (`scripts/faulting-functions` names them).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [pagemap, binary, bytesArg] = process.argv.slice(2);
if (!pagemap || !binary) {
  console.error('usage: node bench/resident-code.mjs <label>-after.pagemap <server binary> [bytes read in at start]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const preloaded = Number(bytesArg ?? readFileSync(join(root, 'server/pgo/executed-code-bytes'), 'utf8').trim());
const PAGE = 4096;

// The executable segment's address in the file's own numbering: the mapping starts at its page.
const segment = execFileSync('readelf', ['-lW', binary], { encoding: 'utf8' })
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .find((f) => f[0] === 'LOAD' && f[6] === 'R' && f[7] === 'E');
if (!segment) throw new Error(`no executable segment in ${binary}`);
const base = Math.floor(parseInt(segment[2], 16) / PAGE) * PAGE;

const functions = execFileSync('nm', ['-n', '-S', '--defined-only', binary], { encoding: 'utf8', maxBuffer: 1 << 30 })
  .split('\n')
  .map((line) => line.split(' '))
  .filter((f) => f.length === 4 && /^[tTwW]$/.test(f[2]))
  .map((f) => ({ address: parseInt(f[0], 16), name: f[3] }));
const firstAtOrAfter = (address) => {
  let lo = 0;
  let hi = functions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (functions[mid].address < address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const lines = readFileSync(pagemap, 'utf8').split('\n');
const pages = lines[1] ?? '';
const skip = Math.ceil(preloaded / PAGE) + 1;
const resident = [...pages].flatMap((c, i) => (c === '1' ? [i] : []));
const beyond = resident.filter((i) => i > skip);
console.log(`${resident.length} of ${pages.length} code pages resident; ${beyond.length} (${((beyond.length * PAGE) / 1048576).toFixed(2)} MB) past the ${(preloaded / 1048576).toFixed(2)} MB read in at start`);
let start = null;
const flush = (from, to) => {
  const lo = firstAtOrAfter(base + from * PAGE);
  const hi = firstAtOrAfter(base + (to + 1) * PAGE);
  const names = functions.slice(lo, Math.min(hi, lo + 3)).map((f) => f.name.slice(0, 100));
  console.log(`pages ${from}-${to} (${to - from + 1}): ${hi - lo} functions, from ${names.join(', ')}`);
};
beyond.forEach((page, k) => {
  if (start === null) start = page;
  if (beyond[k + 1] !== page + 1) {
    flush(start, page);
    start = null;
  }
});
