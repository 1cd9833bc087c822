import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addon, type NativeBackendInfo } from './addon.js';

export interface BackendsReport {
  version: string;
  cpu: NativeBackendInfo;
  cuda: NativeBackendInfo;
}

export const version: string = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')).version;

/**
 * Which backends were compiled, which can run now (and why not), and their library versions.
 * Where the addon itself cannot load, it says so in each backend's reason instead of throwing,
 * so a health check can ask.
 */
export function backends(): BackendsReport {
  let b: { cpu: NativeBackendInfo; cuda: NativeBackendInfo };
  try {
    b = addon().backends();
  } catch (err) {
    const missing: NativeBackendInfo = { compiled: false, available: false, reason: (err as Error).message, deviceCount: 0, facts: {} };
    return { version, cpu: missing, cuda: { ...missing } };
  }
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
