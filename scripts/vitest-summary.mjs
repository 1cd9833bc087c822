#!/usr/bin/env node
// One reading of a vitest JSON report for every script that sums them (run-tests.mjs,
// cuda-emu-test, gpu-test): passed, failed (a suite that failed to load has no tests in it but
// counts as a failure) and skipped. Run as `node scripts/vitest-summary.mjs REPORT`, it prints
// "passed failed skipped" and one "FAIL name: message" line per failed test on stderr.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function summarize(report) {
  const brokenSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenSuites,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  for (const t of report.testResults ?? [])
    for (const a of t.assertionResults ?? [])
      if (a.status === 'failed') console.error(`FAIL ${a.fullName}: ${String(a.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`);
  const { passed, failed, skipped } = summarize(report);
  console.log(passed, failed, skipped);
}
