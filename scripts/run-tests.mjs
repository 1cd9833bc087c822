#!/usr/bin/env node
// Runs every workspace's vitest suite through turbo (one package at a time: the machine has two
// cores and native ops use OpenMP), then the cuda backend's tests on the cuda emulator
// (scripts/cuda-emu-test), and sums the reports into the one closing line CI reads:
// "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from './vitest-summary.mjs';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['native', ...['packages', 'examples', 'bench'].flatMap((dir) => {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return dir === 'bench' ? ['bench'] : readdirSync(abs).map((name) => join(dir, name));
})];
const reportOf = (ws) => join(root, ws, '.vitest-report.json');
for (const ws of workspaces) rmSync(reportOf(ws), { force: true });

const extra = process.argv.slice(2);
const turbo = spawnSync('npx', ['turbo', 'run', 'test', '--concurrency=1', '--continue', ...extra], {
  cwd: root, stdio: 'inherit', env: { ...process.env, NUTSHELL_NUM_THREADS: process.env.NUTSHELL_NUM_THREADS ?? '1' },
});

let passed = 0, failed = 0, skipped = 0;
const rows = [];
for (const ws of workspaces) {
  if (!existsSync(reportOf(ws))) continue;
  const { passed: p, failed: f, skipped: s } = summarize(JSON.parse(readFileSync(reportOf(ws), 'utf8')));
  passed += p; failed += f; skipped += s;
  rows.push(`${ws.padEnd(32)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(s).padStart(4)} skipped`);
}
// The cuda backend on the cuda emulator (scripts/cuda-emu-test; NUTSHELL_SKIP_CUDA_EMU=1 skips it).
if (!process.env.NUTSHELL_SKIP_CUDA_EMU) {
  const emu = spawnSync('bash', [join(root, 'scripts', 'cuda-emu-test')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(emu.stdout ?? '');
  const m = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(emu.stdout ?? '');
  const [p, f, s] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 1, 0];
  passed += p; failed += f; skipped += s;
  rows.push(`${'cuda emulator'.padEnd(32)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(s).padStart(4)} skipped`);
}
console.log('\n' + rows.join('\n'));
if (turbo.status !== 0 && failed === 0) failed = 1; // turbo failed outside any test (a build, a crash)
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
