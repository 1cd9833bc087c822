// Ratio bar charts (nutshell / peer) as PNG, drawn by @nutshell/plot: one per peer and thread
// count, and one for the goals. Bars are green where nutshell is at least as fast (or meets the
// goal), red where it is not.
import { barChart } from '@nutshell/plot';
import { IMPL_NAMES, ratioOf, type BenchResult, type Impl } from './results.js';

const GOOD = '#2ca02c';
const BAD = '#d62728';

/** Short ASCII labels (the chart font is ASCII; vertical labels get a third of the height). */
export function chartLabel(workload: string): string {
  const words: Record<string, string> = { fwdbwd: 'f+b', fwd: 'fwd', resnet3x3: 'res3x3', incep1x1: 'inc1x1', incep5x5: 'inc5x5', lenet5x5: 'lenet5x5', lenet5x5b: 'lenet conv2', peakRss: 'RSS', testset: 'infer', 'matmul.1024': 'matmul 1024', 'peak.sgemm': 'sgemm 2048' };
  let w = workload.replace(/^(conv|overhead|train|infer|memory)\./, '');
  for (const [k, v] of Object.entries(words)) w = w.replace(k, v);
  return w.replace(/^(charlstm|inception|transformer)\.step$/, '$1').replace(/\./g, ' ').slice(0, 18);
}

export function renderCharts(result: BenchResult): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const { rows } = result;
  // Tiny-op overheads (ratios of 10x and more) get a chart of their own: on one linear axis they
  // would flatten every other bar.
  const groups = [
    { name: 'all', test: (suite: string) => suite !== 'overhead', title: '' },
    { name: 'overhead', test: (suite: string) => suite === 'overhead', title: 'overhead: ' },
  ];
  for (const t of result.meta.threads) {
    for (const g of groups) {
      for (const peer of ['torch', 'ort', 'tfjs-wasm'] as Impl[]) {
        const workloads = [...new Set(rows.filter((r) => g.test(r.suite) && r.threads === t && r.impl === peer).map((r) => r.workload))];
        const pairs = workloads.map((w) => [w, ratioOf(rows, w, t, peer)] as const).filter((p): p is readonly [string, number] => p[1] !== undefined);
        if (!pairs.length) continue;
        out.set(
          `${g.name === 'all' ? '' : `${g.name}-`}vs-${peer}-${t}t`,
          barChart({
            title: `${g.title}nutshell / ${IMPL_NAMES[peer]}, ${t} thread${t === 1 ? '' : 's'}`,
            labels: pairs.map(([w]) => chartLabel(w)),
            values: pairs.map(([, r]) => Math.round(r * 100) / 100),
            color: pairs.map(([, r]) => (r <= 1 ? GOOD : BAD)),
            yLabel: 'time ratio',
            showValues: true,
            width: Math.max(640, 64 * pairs.length + 160),
            height: 640,
          }),
        );
      }
    }
    const goals = result.goals.filter((g) => g.threads === t && g.ratio !== undefined);
    if (goals.length) {
      out.set(
        `goals-${t}t`,
        barChart({
          title: `goals, ${t} thread${t === 1 ? '' : 's'}: ratio / goal`,
          labels: goals.map((g) => g.id),
          values: goals.map((g) => Math.round((g.ratio! / g.threshold) * 100) / 100),
          color: goals.map((g) => (g.met ? GOOD : BAD)),
          yLabel: 'ratio / goal',
          showValues: true,
          width: Math.max(640, 72 * goals.length + 160),
          height: 600,
        }),
      );
    }
  }
  return out;
}
