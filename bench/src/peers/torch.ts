// Runs a script of bench/python/ under the torch venv with one request on stdin and reads its
// one JSON reply. Thread counts are set twice: through the environment (OpenMP, MKL, OpenBLAS
// read it at load) and by the script (torch.set_num_threads).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { peersDir, pythonDir, torchPython } from '../paths.js';

export class PeerUnavailable extends Error {}

export const torchAvailable = (): boolean => existsSync(torchPython);

export function threadEnv(threads: number): Record<string, string> {
  const n = String(threads);
  return { OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, NUTSHELL_NUM_THREADS: n };
}

export interface PythonRun<T> {
  reply: T;
  stderr: string;
}

export async function runPython<T>(script: string, request: Record<string, unknown> & { threads: number }, timeoutMs = 30 * 60_000): Promise<T> {
  if (!torchAvailable()) throw new PeerUnavailable(`no python at ${torchPython} (set TORCH_PYTHON)`);
  const extra = join(peersDir, 'python');
  const env = { ...process.env, ...threadEnv(request.threads), PYTHONPATH: [existsSync(extra) ? extra : '', process.env.PYTHONPATH ?? ''].filter(Boolean).join(':'), PYTHONWARNINGS: 'ignore' };
  return await new Promise<T>((resolve, reject) => {
    const child = spawn(torchPython, [join(pythonDir, script)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const at = out.lastIndexOf('@@RESULT@@');
      if (code !== 0 || at < 0) {
        reject(new Error(`${script} exited with ${signal ?? code}: ${err.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`));
        return;
      }
      try {
        resolve(JSON.parse(out.slice(at + '@@RESULT@@'.length)) as T);
      } catch (e) {
        reject(new Error(`${script}: unreadable reply (${(e as Error).message})`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}
