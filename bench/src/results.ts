// What a bench run produces: rows of measurements, the ratios between implementations measured
// in the same run, the goals judged from those ratios, and the files they are written to.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timing } from './timing.js';
import { fmtNumber, fmtPercent, fmtRatio, fmtTime, formatTable } from './table.js';

export const IMPLS = ['nutshell', 'torch', 'numpy', 'ort', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type Impl = (typeof IMPLS)[number];
export const IMPL_NAMES: Record<Impl, string> = {
  nutshell: 'nutshell',
  torch: 'PyTorch',
  numpy: 'NumPy',
  ort: 'ONNX Runtime',
  'tfjs-wasm': 'tfjs wasm',
  'tfjs-cpu': 'tfjs cpu',
};

export type Status = 'ok' | 'n/a' | 'error';

export interface Row {
  suite: string;
  /** Stable id of the workload, e.g. 'conv.resnet3x3.fwdbwd'. */
  workload: string;
  /** Human label, e.g. 'conv 3x3 N=32 64->64 56x56 fwd+bwd'. */
  label: string;
  threads: number;
  impl: Impl;
  status: Status;
  /** Why a row is n/a or failed. */
  reason?: string;
  /** The compared figure; lower is better (a time in ms, or bytes for memory rows). */
  value?: number;
  unit?: 'ms' | 'MiB';
  timing?: Timing;
  /** Floating-point operations per call, when meaningful (GFLOP/s = flops / time). */
  flops?: number;
  /** Items per call (images, steps) for a throughput column. */
  items?: { count: number; unit: string };
  /** Anything else worth keeping (max abs error against a reference, algorithm chosen …). */
  extra?: Record<string, unknown>;
}

export interface Meta {
  date: string;
  device: string;
  /** Where the workloads ran (absent in results written before the cuda pass existed: cpu). */
  devices?: string[];
  cpu: string;
  cores: number;
  threads: number[];
  quick: boolean;
  suites: string[];
  versions: Record<string, string>;
  peers: Record<string, unknown>;
  notes: string[];
  wallSeconds?: number;
}

export interface Goal {
  id: string;
  text: string;
  workload: string;
  /** nutshell divided by this implementation. */
  against: Impl;
  threshold: number;
  /** Goals on a GPU (workloads 'cuda.…') are judged only in runs that measured cuda. */
  device?: 'cuda';
}

export const GOALS: readonly Goal[] = [
  { id: 'lenet-epoch', text: 'LeNet epoch time / PyTorch ≤ 0.8', workload: 'train.lenet.epoch', against: 'torch', threshold: 0.8 },
  { id: 'conv3x3-fwd-ort', text: 'conv 3×3 forward / ONNX Runtime ≤ 1.0', workload: 'conv.resnet3x3.fwd', against: 'ort', threshold: 1.0 },
  { id: 'conv3x3-fwdbwd', text: 'conv 3×3 forward+backward / PyTorch ≤ 0.9', workload: 'conv.resnet3x3.fwdbwd', against: 'torch', threshold: 0.9 },
  { id: 'lstm-fwdbwd', text: 'LSTM forward+backward / PyTorch ≤ 1.0', workload: 'lstm.fwdbwd', against: 'torch', threshold: 1.0 },
  { id: 'matmul', text: 'matmul 1024³ / PyTorch ≤ 1.0', workload: 'matmul.1024', against: 'torch', threshold: 1.0 },
  { id: 'tiny-add', text: 'tiny add / PyTorch ≤ 1.0', workload: 'overhead.add', against: 'torch', threshold: 1.0 },
  { id: 'tiny-autograd', text: 'tiny autograd step / PyTorch ≤ 0.5', workload: 'overhead.autograd', against: 'torch', threshold: 0.5 },
  { id: 'lenet-infer-ort', text: 'LeNet inference (test set) / ONNX Runtime ≤ 1.0', workload: 'infer.lenet.testset', against: 'ort', threshold: 1.0 },
  { id: 'peak-memory', text: 'LeNet epoch peak RSS / PyTorch ≤ 1.0', workload: 'memory.lenet.peakRss', against: 'torch', threshold: 1.0 },
  { id: 'cuda-lenet-step', text: 'cuda LeNet training step / PyTorch ≤ 1.0', workload: 'cuda.train.lenet.step', against: 'torch', threshold: 1.0, device: 'cuda' },
  { id: 'cuda-charlstm-step', text: 'cuda char-LSTM training step / PyTorch ≤ 1.0', workload: 'cuda.train.charlstm.step', against: 'torch', threshold: 1.0, device: 'cuda' },
  { id: 'cuda-inception-step', text: 'cuda Inception block training step / PyTorch ≤ 1.0', workload: 'cuda.train.inception.step', against: 'torch', threshold: 1.0, device: 'cuda' },
];

export interface GoalResult {
  id: string;
  text: string;
  threads: number;
  threshold: number;
  ratio?: number;
  met?: boolean;
  /**
   * The same ratio from each side's fastest run: other load on a shared machine only ever adds
   * time, so this one is less disturbed by it (the goal is judged on the medians).
   */
  fastestRatio?: number;
  /** Why no ratio: which side is n/a. */
  reason?: string;
}

export interface BenchResult {
  meta: Meta;
  rows: Row[];
  goals: GoalResult[];
}

export function findRow(rows: readonly Row[], workload: string, threads: number, impl: Impl): Row | undefined {
  return rows.find((r) => r.workload === workload && r.threads === threads && r.impl === impl);
}

/** nutshell / `against` for one workload at one thread count; undefined when either is missing. */
export function ratioOf(rows: readonly Row[], workload: string, threads: number, against: Impl): number | undefined {
  const a = findRow(rows, workload, threads, 'nutshell');
  const b = findRow(rows, workload, threads, against);
  if (a?.status !== 'ok' || b?.status !== 'ok' || a.value === undefined || b.value === undefined || !(b.value > 0)) return undefined;
  return a.value / b.value;
}

export function evaluateGoals(rows: readonly Row[], threads: readonly number[], goals: readonly Goal[] = GOALS): GoalResult[] {
  const out: GoalResult[] = [];
  // A cuda pass runs once, at one thread count: its goals are judged where its rows are; the cpu
  // goals only in a run that measured cpu.
  const cudaThreads = threads.filter((t) => rows.some((r) => r.workload.startsWith('cuda.') && r.threads === t));
  const cpuThreads = rows.some((r) => !r.workload.startsWith('cuda.')) ? threads : [];
  for (const g of goals) {
    for (const t of g.device === 'cuda' ? cudaThreads : cpuThreads) {
      const ratio = ratioOf(rows, g.workload, t, g.against);
      if (ratio !== undefined) {
        const a = findRow(rows, g.workload, t, 'nutshell')?.timing;
        const b = findRow(rows, g.workload, t, g.against)?.timing;
        const fastestRatio = a && b && b.min > 0 ? a.min / b.min : undefined;
        out.push({ id: g.id, text: g.text, threads: t, threshold: g.threshold, ratio, met: ratio <= g.threshold, ...(fastestRatio !== undefined ? { fastestRatio } : {}) });
        continue;
      }
      const why = (impl: Impl) => {
        const r = findRow(rows, g.workload, t, impl);
        return !r ? `${IMPL_NAMES[impl]} not run` : r.status !== 'ok' ? `${IMPL_NAMES[impl]} ${r.status}: ${r.reason ?? '?'}` : undefined;
      };
      out.push({ id: g.id, text: g.text, threads: t, threshold: g.threshold, reason: why('nutshell') ?? why(g.against) ?? 'not measured' });
    }
  }
  out.push(...cudaAlgoGoals(rows, threads));
  return out;
}

/**
 * On cuda, for each conv (rows 'cuda.conv.<shape>.<pass>.<algo>'): 'auto' within 5% of the best
 * explicit cuDNN algorithm, and no slower than PyTorch with cudnn.benchmark (its row is the auto
 * row's torch row).
 */
export function cudaAlgoGoals(rows: readonly Row[], threads: readonly number[]): GoalResult[] {
  const out: GoalResult[] = [];
  const groups = new Set(rows.filter((r) => r.workload.startsWith('cuda.conv.')).map((r) => r.workload.slice(0, r.workload.lastIndexOf('.'))));
  for (const g of groups) {
    const name = g.replace('cuda.conv.', 'cuda conv ');
    for (const t of threads) {
      const ok = rows.filter((r) => r.workload.startsWith(`${g}.`) && r.threads === t && r.impl === 'nutshell' && r.status === 'ok' && r.value);
      const auto = ok.find((r) => r.workload === `${g}.auto`);
      const explicit = ok.filter((r) => r.workload !== `${g}.auto`);
      if (auto && explicit.length) {
        const best = explicit.reduce((a, b) => (b.value! < a.value! ? b : a));
        const ratio = auto.value! / best.value!;
        out.push({ id: `${g}.auto`, text: `${name}: auto / best algorithm (${best.workload.slice(g.length + 1)}) ≤ 1.05`, threads: t, threshold: 1.05, ratio, met: ratio <= 1.05 });
      }
      const vsTorch = ratioOf(rows, `${g}.auto`, t, 'torch');
      if (vsTorch !== undefined) out.push({ id: `${g}.torch`, text: `${name}: auto / PyTorch (cudnn.benchmark) ≤ 1.0`, threads: t, threshold: 1.0, ratio: vsTorch, met: vsTorch <= 1.0 });
    }
  }
  return out;
}

/** Collects the reasons of n/a and error cells, numbered, for footnotes under a table. */
export class Footnotes {
  private readonly reasons: string[] = [];
  mark(reason: string): string {
    let i = this.reasons.indexOf(reason);
    if (i < 0) i = this.reasons.push(reason) - 1;
    return `[${i + 1}]`;
  }
  render(): string {
    return this.reasons.map((r, i) => `[${i + 1}] ${r}`).join('  \n');
  }
  get size(): number {
    return this.reasons.length;
  }
}

/** The cell of a row: its figure, or its status with a footnote saying why it has none. */
export function cellOf(row: Row | undefined, notes?: Footnotes): string {
  if (!row) return '–';
  if (row.status !== 'ok') return notes && row.reason ? `${row.status} ${notes.mark(row.reason)}` : `${row.status}${row.reason ? ` (${row.reason})` : ''}`;
  if (row.unit === 'MiB') return `${fmtNumber(row.value)} MiB`;
  return fmtTime(row.value);
}

export function goalsTable(goals: readonly GoalResult[]): string {
  const threads = [...new Set(goals.map((g) => g.threads))].sort((a, b) => a - b);
  const ids = [...new Set(goals.map((g) => g.id))];
  const rows = ids.map((id) => {
    const first = goals.find((g) => g.id === id)!;
    return [
      first.text,
      ...threads.map((t) => {
        const g = goals.find((x) => x.id === id && x.threads === t);
        if (!g) return '–';
        if (g.ratio === undefined) return `n/a: ${g.reason}`;
        return `${g.met ? 'met' : '**missed**'} (${fmtRatio(g.ratio)}${g.fastestRatio !== undefined ? `; fastest ${fmtRatio(g.fastestRatio)}` : ''})`;
      }),
    ];
  });
  return formatTable(['goal', ...threads.map((t) => `${t} thread${t === 1 ? '' : 's'}`)], rows);
}

/** The peers whose columns a suite shows: only those with at least one row in it. */
function implsIn(rows: readonly Row[]): Impl[] {
  return IMPLS.filter((i) => rows.some((r) => r.impl === i));
}

/** Peers that get a ratio column (the goals' peers and NumPy's sgemm); tfjs shows times only. */
const RATIO_PEERS: readonly Impl[] = ['torch', 'numpy', 'ort'];

/** One line per workload and thread count: every implementation's time, then nutshell's ratios. */
export function suiteTable(rows: readonly Row[]): string {
  const impls = implsIn(rows);
  const peers = impls.filter((i) => RATIO_PEERS.includes(i));
  const keys = [...new Map(rows.map((r) => [`${r.workload}@${r.threads}`, r])).values()];
  const notes = new Footnotes();
  const headers = ['workload', 'threads', ...impls.map((i) => IMPL_NAMES[i]), ...peers.map((p) => `nutshell / ${IMPL_NAMES[p]}`)];
  const body = keys.map((k) => [
    k.label,
    String(k.threads),
    ...impls.map((i) => cellOf(findRow(rows, k.workload, k.threads, i), notes)),
    ...peers.map((p) => fmtRatio(ratioOf(rows, k.workload, k.threads, p))),
  ]);
  const table = formatTable(headers, body, headers.map((_, i) => (i < 2 ? 'l' : 'r')));
  return notes.size ? `${table}\n\n${notes.render()}` : table;
}

/** GFLOP/s of each implementation for the rows that have flops, with the fraction of the measured peak. */
export function throughputTable(rows: readonly Row[]): string | undefined {
  const withFlops = rows.filter((r) => r.flops && r.status === 'ok' && r.value);
  if (!withFlops.length) return undefined;
  const peak = peakGflops(rows);
  const impls = implsIn(withFlops);
  const keys = [...new Map(withFlops.map((r) => [`${r.workload}@${r.threads}`, r])).values()];
  const body = keys.map((k) => [
    k.label,
    String(k.threads),
    ...impls.map((i) => {
      const r = findRow(withFlops, k.workload, k.threads, i);
      if (!r) return '–';
      const gf = r.flops! / (r.value! * 1e6);
      const p = peak.get(r.threads);
      return `${fmtNumber(gf)}${p ? ` (${fmtPercent(gf / p.gflops)})` : ''}`;
    }),
  ]);
  return formatTable(['GFLOP/s (of measured peak)', 'threads', ...impls.map((i) => IMPL_NAMES[i])], body, ['l', 'l', ...impls.map(() => 'r' as const)]);
}

/** The machine's measured peak per thread count: the best big-sgemm rate any implementation reached. */
export function peakGflops(rows: readonly Row[]): Map<number, { gflops: number; impl: Impl }> {
  const out = new Map<number, { gflops: number; impl: Impl }>();
  for (const r of rows) {
    if (r.workload !== 'peak.sgemm' || r.status !== 'ok' || !r.flops || !r.value) continue;
    const gf = r.flops / (r.value * 1e6);
    const cur = out.get(r.threads);
    if (!cur || gf > cur.gflops) out.set(r.threads, { gflops: gf, impl: r.impl });
  }
  return out;
}

/** Items per second (images, steps) of each implementation. */
export function throughputItems(rows: readonly Row[]): string | undefined {
  const withItems = rows.filter((r) => r.items && r.status === 'ok' && r.value);
  if (!withItems.length) return undefined;
  const impls = implsIn(withItems);
  const keys = [...new Map(withItems.map((r) => [`${r.workload}@${r.threads}`, r])).values()];
  const body = keys.map((k) => [
    k.label,
    String(k.threads),
    ...impls.map((i) => {
      const r = findRow(withItems, k.workload, k.threads, i);
      return r ? `${fmtNumber(r.items!.count / (r.value! / 1e3))} ${r.items!.unit}/s` : '–';
    }),
  ]);
  return formatTable(['throughput', 'threads', ...impls.map((i) => IMPL_NAMES[i])], body, ['l', 'l', ...impls.map(() => 'r' as const)]);
}

const SUITE_TITLES: Record<string, string> = {
  ops: 'Ops',
  overhead: 'Overhead',
  training: 'Training',
  inference: 'Inference',
  memory: 'Memory',
};

/** One op of a profiled training step (tensor's profile(), per step). */
export interface StepProfileRow {
  op: string;
  calls: number;
  kernelUs: number;
  callUs: number;
}

/**
 * The profiled steps of each run as tables: per op, kernel time on the device's stream and time
 * in the call on the JS thread, per step, the ops with the most kernel time first (at most 12).
 */
export function stepProfileText(rows: readonly Row[]): string {
  const out: string[] = [];
  for (const r of rows) {
    const ops = r.extra!.stepProfile as StepProfileRow[];
    const stepMs = r.extra!.profiledStepMs as number;
    out.push(`${r.label} (${IMPL_NAMES[r.impl]}, ${r.threads}t): ${fmtNumber(stepMs)} ms per profiled step`, '');
    const shown = ops.slice(0, 12);
    const rest = ops.slice(12);
    const lines = shown.map((o) => [o.op, fmtNumber(o.calls), fmtNumber(o.kernelUs), fmtNumber(o.callUs)]);
    if (rest.length) {
      const sum = (f: (o: StepProfileRow) => number) => rest.reduce((a, o) => a + f(o), 0);
      lines.push([`${rest.length} more ops`, fmtNumber(sum((o) => o.calls)), fmtNumber(sum((o) => o.kernelUs)), fmtNumber(sum((o) => o.callUs))]);
    }
    out.push(formatTable(['op', 'calls', 'kernel µs', 'call µs'], lines, ['l', 'r', 'r', 'r']), '');
  }
  out.push('Kernel µs: the op\'s time on its device\'s stream (on cuda, between two events around its work); call µs: the JS thread inside the op call. Per step, from profile() over 20 steps after the epoch.');
  return out.join('\n');
}

export function toMarkdown(result: BenchResult): string {
  const { rows, goals } = result;
  const meta = { ...result.meta };
  const out: string[] = [];
  out.push(`# nutshell bench: ${meta.date}, ${meta.device}`, '');
  out.push(`${meta.cpu}, ${meta.cores} cores; threads ${meta.threads.join(' and ')}; ${meta.quick ? '**quick mode** (fewer repetitions, smaller epochs)' : 'full run'}; suites: ${meta.suites.join(', ')}.`);
  out.push('Every figure is the median of repeated runs after warm-up; nutshell timings await the result. Ratios are nutshell / peer, measured in this run on this machine at the same thread count: below 1 is faster.', '');
  out.push('Versions: ' + Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(', ') + '.', '');
  const peerLines = Object.entries(meta.peers).filter(([k]) => k !== 'date').map(([k, v]) => `- ${k}: ${typeof v === 'object' && v && 'status' in v ? (v as { status: string }).status : JSON.stringify(v)}`);
  if (peerLines.length) out.push('Peers:', ...peerLines, '');
  out.push('## Goals', '', goalsTable(goals), '', 'Each cell: the ratio of medians (what the goal is judged on); "fastest" is the ratio of each side\'s fastest run, less disturbed by other load on a shared machine.', '');
  const suites = [...new Set(rows.map((r) => r.suite))];
  for (const s of suites) {
    const sr = rows.filter((r) => r.suite === s);
    out.push(`## ${SUITE_TITLES[s] ?? s}`, '', suiteTable(sr), '');
    const tp = throughputTable(sr);
    if (tp) out.push(tp, '');
    const ti = throughputItems(sr);
    if (ti) out.push(ti, '');
  }
  const peak = peakGflops(rows);
  if (peak.size) out.push('GFLOP/s count the direct algorithm\'s operations (2·N·O·H·W·C·k² per convolution, three times that with backward), so an implementation that uses Winograd or FFT can exceed the sgemm peak.', '');
  if (peak.size) out.push('Measured peak (best big sgemm): ' + [...peak].map(([t, p]) => `${fmtNumber(p.gflops)} GFLOP/s at ${t} thread${t === 1 ? '' : 's'} (${IMPL_NAMES[p.impl]})`).join('; ') + '.', '');
  const profiles = rows.filter((r) => Array.isArray(r.extra?.stepProfile));
  if (profiles.length) out.push('## Where a step\'s time goes', '', stepProfileText(profiles), '');
  // The per-output differences and the load stay in the JSON; the Markdown keeps the summary.
  const detail = (r: Row) => Object.entries(r.extra ?? {}).filter(([k]) => k !== 'load1' && k !== 'relDiffVsTorch' && k !== 'stepProfile' && k !== 'profiledStepMs');
  const extras = rows.filter((r) => detail(r).length);
  if (extras.length) {
    out.push('## Checks and details', '');
    for (const r of extras) out.push(`- ${r.label} (${IMPL_NAMES[r.impl]}, ${r.threads}t): ${detail(r).map(([k, v]) => `${k} ${typeof v === 'number' ? fmtNumber(v) : JSON.stringify(v)}`).join(', ')}`);
    out.push('');
  }
  const loads = rows.map((r) => r.extra?.load1).filter((v): v is number => typeof v === 'number');
  if (loads.length) {
    const busy = rows.filter((r) => typeof r.extra?.load1 === 'number' && (r.extra.load1 as number) > meta.cores);
    meta.notes = [
      ...meta.notes,
      `machine load (1-minute load average when each row started, this bench included): ${fmtNumber(Math.min(...loads))} to ${fmtNumber(Math.max(...loads))} on ${meta.cores} cores` +
        (busy.length ? `; ${busy.length} of ${loads.length} rows started with the load above the core count, where other work competed for the cores (multi-threaded figures suffer most)` : ''),
    ];
  }
  if (meta.notes.length) out.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

/** `<date>-<device>`: the stem of every file a run writes. */
export function resultStem(meta: Pick<Meta, 'date' | 'device'>): string {
  return `${meta.date.slice(0, 10)}-${meta.device}`;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface WrittenFiles {
  json: string;
  markdown: string;
  charts: string[];
}

/**
 * Writes `<dir>/<stem>.json` and `<dir>/<stem>.md`, and the charts that `charts` renders as
 * `<dir>/<stem>-<name>.png` (rendering is injected so that this module needs no drawing code).
 */
export function writeResults(dir: string, result: BenchResult, charts: (r: BenchResult) => Map<string, Uint8Array> = () => new Map()): WrittenFiles {
  mkdirSync(dir, { recursive: true });
  const stem = resultStem(result.meta);
  const json = join(dir, `${stem}.json`);
  const markdown = join(dir, `${stem}.md`);
  writeAtomic(json, JSON.stringify(result, null, 2) + '\n');
  writeAtomic(markdown, toMarkdown(result));
  const written: string[] = [];
  for (const [name, png] of charts(result)) {
    const p = join(dir, `${stem}-${name}.png`);
    writeAtomic(p, png);
    written.push(p);
  }
  return { json, markdown, charts: written };
}
