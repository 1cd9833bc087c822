// Runs the nutshell side of a task in a fresh node process (dist/child.js) with the thread count
// in its environment. A native crash (a segfault in an op under construction) then costs one
// workload, not the whole run: the child reports each workload as it starts and ends, and the
// parent restarts it on the workloads left.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadEnv } from './torch.js';

const childScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'child.js');

export const MARK = { start: '@@START@@', row: '@@ROW@@', result: '@@RESULT@@' } as const;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Lines of stdout that carried a mark, in order. */
  marked: { mark: keyof typeof MARK; body: string }[];
}

export async function spawnChild(request: Record<string, unknown> & { threads: number }, script = childScript, timeoutMs = 30 * 60_000): Promise<ChildExit> {
  return await new Promise<ChildExit>((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...threadEnv(request.threads) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    let stderr = '';
    const marked: ChildExit['marked'] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const take = (line: string) => {
      for (const [mark, prefix] of Object.entries(MARK) as [keyof typeof MARK, string][]) {
        if (line.startsWith(prefix)) marked.push({ mark, body: line.slice(prefix.length) });
      }
    };
    child.stdout.on('data', (d) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (buf) take(buf);
      resolve({ code, signal, stderr, marked });
    });
    child.stdin.end(JSON.stringify(request));
  });
}

const exitText = (e: ChildExit) => `nutshell process ${e.signal ? `killed by ${e.signal}` : `exited with ${e.code}`}${e.stderr.trim() ? `: ${e.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}` : ''}`;

/** One task, one JSON reply. */
export async function runNodeChild<T>(request: Record<string, unknown> & { threads: number }): Promise<T> {
  const e = await spawnChild(request);
  const r = e.marked.find((m) => m.mark === 'result');
  if (!r) throw new Error(exitText(e));
  return JSON.parse(r.body) as T;
}

/**
 * Many workloads, one reply each (by id); a workload whose process died gets an `error` reply
 * saying how, and the others run in a new process.
 */
export async function runNodeWorkloads<T extends { id: string }>(
  request: Record<string, unknown> & { threads: number; ids: string[] },
  script = childScript,
): Promise<Map<string, T | { id: string; error: string }>> {
  const out = new Map<string, T | { id: string; error: string }>();
  let left = [...request.ids];
  while (left.length) {
    const e = await spawnChild({ ...request, ids: left }, script);
    let current: string | undefined;
    for (const m of e.marked) {
      if (m.mark === 'start') current = m.body.trim();
      if (m.mark === 'row') {
        const row = JSON.parse(m.body) as T;
        out.set(row.id, row);
        current = undefined;
      }
    }
    const crashed = current ?? left.find((id) => !out.has(id));
    if (crashed && !out.has(crashed)) out.set(crashed, { id: crashed, error: `crashed: ${exitText(e)}` });
    left = left.filter((id) => !out.has(id));
  }
  return out;
}
