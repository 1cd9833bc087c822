import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addon, type NativeBackendInfo } from './addon.js';

export interface BackendsReport {
  version: string;
  cpu: NativeBackendInfo;
  cuda: NativeBackendInfo;
}

export const version: string = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')).version;

/** Which backends were compiled, which can run now (and why not), and their library versions. */
export function backends(): BackendsReport {
  const b = addon().backends();
  return { version, cpu: b.cpu, cuda: b.cuda };
}

export function formatBackends(report: BackendsReport = backends()): string {
  const lines = [`nutshell ${report.version}`];
  for (const name of ['cpu', 'cuda'] as const) {
    const b = report[name];
    const state = !b.compiled ? 'not compiled' : b.available ? `available (${b.deviceCount} device${b.deviceCount === 1 ? '' : 's'})` : 'compiled, unavailable';
    lines.push(`${name.padEnd(5)} ${state}${b.reason ? `: ${b.reason}` : ''}`);
    for (const [k, v] of Object.entries(b.facts)) lines.push(`      ${k.padEnd(16)} ${v}`);
  }
  return lines.join('\n');
}
