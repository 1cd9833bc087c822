// Note [pending saves]: save() and saveOptimizer() are async — it reads every tensor off the JS thread before the
// atomic write — so `save(model, path); process.exit(0)` exits before the write and nothing
// tells the user. The saves in flight are counted here, and a process that exits with some still
// pending says so on stderr. Written synchronously: at 'exit' no later tick comes, so
// process.emitWarning (delivered on the next tick) would never print.
import { writeSync } from 'node:fs';

const pending = new Map<number, string>();
let nextId = 0;
let listening = false;

function reportAtExit(): void {
  if (pending.size === 0) return;
  const paths = [...pending.values()];
  const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? `, … (${paths.length - 3} more)` : '');
  const text =
    `(nutshell) Warning: the process exited with ${paths.length} checkpoint save${paths.length === 1 ? '' : 's'} still in flight; ` +
    `not written: ${shown}. Await each save before the process ends (await save(model, path), await saveOptimizer(opt, path)).\n`;
  try {
    writeSync(2, text);
  } catch {
    // stderr closed: nothing more can be said
  }
}

/** Counts `work` (the save of `path`) as in flight until it settles. */
export async function trackSave<T>(path: string, work: () => Promise<T>): Promise<T> {
  if (!listening) {
    listening = true;
    process.on('exit', reportAtExit);
  }
  const id = nextId++;
  pending.set(id, path);
  try {
    return await work();
  } finally {
    pending.delete(id);
  }
}

/** Saves in flight now (for tests). */
export function pendingSaveCount(): number {
  return pending.size;
}
