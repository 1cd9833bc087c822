import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateGoals, peakGflops, ratioOf, resultStem, stepProfileText, suiteTable, toMarkdown, writeResults, type BenchResult, type Row, type StepProfileRow } from '../src/results.js';
import { renderCharts } from '../src/charts.js';
import { timingFromSamples } from '../src/timing.js';

const row = (workload: string, impl: Row['impl'], value: number | undefined, threads = 1, extra: Partial<Row> = {}): Row => ({
  suite: workload.startsWith('overhead') ? 'overhead' : 'ops',
  workload,
  label: workload,
  threads,
  impl,
  ...(value === undefined ? { status: 'n/a', reason: 'op matmul missing' } : { status: 'ok', value, unit: 'ms', timing: timingFromSamples([value], { warmup: 0, reps: 1, inner: 1 }) }),
  ...extra,
});

const rows: Row[] = [
  row('conv.resnet3x3.fwd', 'nutshell', 60),
  row('conv.resnet3x3.fwd', 'torch', 200),
  row('conv.resnet3x3.fwd', 'ort', 50),
  row('conv.resnet3x3.fwdbwd', 'nutshell', 150),
  row('conv.resnet3x3.fwdbwd', 'torch', 200),
  row('overhead.add', 'nutshell', 0.02),
  row('overhead.add', 'torch', 0.001),
  row('matmul.1024', 'nutshell', undefined),
  row('matmul.1024', 'torch', 50),
  row('peak.sgemm', 'torch', 400, 1, { flops: 2 * 2048 ** 3 }),
  row('peak.sgemm', 'numpy', 200, 1, { flops: 2 * 2048 ** 3 }),
  row('conv.resnet3x3.fwd', 'nutshell', 40, 2),
  row('conv.resnet3x3.fwd', 'ort', 45, 2),
];

describe('ratios and goals', () => {
  it('a ratio is nutshell / peer at the same thread count, or undefined when a side is missing', () => {
    expect(ratioOf(rows, 'conv.resnet3x3.fwd', 1, 'torch')).toBeCloseTo(0.3);
    expect(ratioOf(rows, 'conv.resnet3x3.fwd', 2, 'ort')).toBeCloseTo(40 / 45);
    expect(ratioOf(rows, 'conv.resnet3x3.fwd', 2, 'torch')).toBeUndefined();
    expect(ratioOf(rows, 'matmul.1024', 1, 'torch')).toBeUndefined();
  });

  it('marks each goal met or missed with its ratio, or says why it has none', () => {
    const g = evaluateGoals(rows, [1, 2]);
    const at = (id: string, t: number) => g.find((x) => x.id === id && x.threads === t)!;
    expect(at('conv3x3-fwd-ort', 1)).toMatchObject({ met: false, ratio: 1.2 });
    expect(at('conv3x3-fwd-ort', 2).met).toBe(true);
    expect(at('conv3x3-fwdbwd', 1)).toMatchObject({ met: true, ratio: 0.75 });
    expect(at('tiny-add', 1)).toMatchObject({ met: false });
    expect(at('tiny-add', 1).ratio).toBeCloseTo(20);
    expect(at('matmul', 1).met).toBeUndefined();
    expect(at('matmul', 1).reason).toBe('nutshell n/a: op matmul missing');
    expect(at('lenet-epoch', 1).reason).toBe('nutshell not run');
  });

  it('on cuda, auto is judged against the best explicit cuDNN algorithm and against PyTorch', () => {
    const cuda = [
      row('cuda.conv.a.fwd.auto', 'nutshell', 1.04),
      row('cuda.conv.a.fwd.auto', 'torch', 0.8),
      row('cuda.conv.a.fwd.fft', 'nutshell', 1.0),
      row('cuda.conv.a.fwd.gemm', 'nutshell', 3),
      row('cuda.conv.a.fwd.winograd', 'nutshell', undefined),
    ];
    const g = evaluateGoals(cuda, [1]).filter((x) => x.id.startsWith('cuda.'));
    expect(g).toHaveLength(2);
    expect(g[0]).toMatchObject({ id: 'cuda.conv.a.fwd.auto', met: true, threshold: 1.05 });
    expect(g[0].text).toContain('(fft)');
    expect(g[0].ratio).toBeCloseTo(1.04);
    expect(g[1]).toMatchObject({ id: 'cuda.conv.a.fwd.torch', met: false, threshold: 1.0 });
    expect(g[1].ratio).toBeCloseTo(1.3);
  });

  it('goals on a GPU are judged only where cuda rows are, at their thread count', () => {
    expect(evaluateGoals(rows, [1, 2]).filter((x) => x.id.startsWith('cuda-'))).toEqual([]);
    const cuda = [...rows, row('cuda.train.lenet.step', 'nutshell', 1.5, 2), row('cuda.train.lenet.step', 'torch', 2, 2)];
    const g = evaluateGoals(cuda, [1, 2]).filter((x) => x.id.startsWith('cuda-'));
    expect(g.map((x) => [x.id, x.threads])).toEqual([['cuda-lenet-step', 2], ['cuda-charlstm-step', 2], ['cuda-inception-step', 2]]);
    expect(g[0]).toMatchObject({ met: true, ratio: 0.75 });
    expect(g[1].reason).toBe('nutshell not run');
    const cudaOnly = evaluateGoals([row('cuda.train.lenet.step', 'nutshell', 1.5, 2)], [1, 2]);
    expect(cudaOnly.map((x) => x.id)).toEqual(['cuda-lenet-step', 'cuda-charlstm-step', 'cuda-inception-step']);
  });

  it('the measured peak is the best big sgemm at each thread count', () => {
    const p = peakGflops(rows).get(1)!;
    expect(p.impl).toBe('numpy');
    expect(p.gflops).toBeCloseTo((2 * 2048 ** 3) / 200 / 1e6);
  });
});

describe('markdown', () => {
  const result: BenchResult = {
    meta: { date: '2026-11-22T02:00:00.000Z', device: 'cpu-test-2c', cpu: 'Test CPU', cores: 2, threads: [1, 2], quick: true, suites: ['ops', 'overhead'], versions: { node: 'v20', torch: '2.13.0' }, peers: { 'onnxruntime-node': { status: 'ok' } }, notes: ['a note'] },
    rows,
    goals: evaluateGoals(rows, [1, 2]),
  };

  it('a suite table has one line per workload and thread count, peer columns only for peers present', () => {
    const t = suiteTable(rows.filter((r) => r.suite === 'ops'));
    const lines = t.split('\n');
    expect(lines[0]).toContain('nutshell / PyTorch');
    expect(lines[0]).toContain('nutshell / ONNX Runtime');
    expect(lines[0]).not.toContain('tfjs');
    expect(lines.find((l) => l.includes('conv.resnet3x3.fwd ') && l.includes('| 1 '))).toContain('0.30×');
    expect(lines.find((l) => l.includes('matmul.1024'))).toContain('n/a [1]');
    expect(t).toContain('[1] op matmul missing');
  });

  it('the document names versions, goals, suites and notes', () => {
    const md = toMarkdown(result);
    expect(md).toContain('# nutshell bench: 2026-11-22T02:00:00.000Z, cpu-test-2c');
    expect(md).toContain('torch 2.13.0');
    expect(md).toContain('**quick mode**');
    expect(md).toMatch(/conv 3×3 forward \/ ONNX Runtime ≤ 1.0 +\| \*\*missed\*\* \(1.20×; fastest 1.20×\) +\| met \(0.89×; fastest 0.89×\)/);
    expect(md).toContain('## Ops');
    expect(md).toContain('## Overhead');
    expect(md).toContain('- a note');
    expect(resultStem(result.meta)).toBe('2026-11-22-cpu-test-2c');
  });

  it("a profiled training step becomes a table of its ops, the rest summed, and stays out of the details", () => {
    const ops: StepProfileRow[] = Array.from({ length: 14 }, (_, i) => ({ op: `op${i}`, calls: 1, kernelUs: 100 - i, callUs: 5 }));
    const epoch: Row = { ...row('train.lenet.epoch', 'nutshell', 3000), suite: 'training', label: 'LeNet epoch', extra: { medianStepMs: 3.1, stepProfile: ops, profiledStepMs: 3.2 } };
    const text = stepProfileText([epoch]);
    expect(text).toContain('LeNet epoch (nutshell, 1t): 3.20 ms per profiled step');
    expect(text).toMatch(/\| op0 +\| +1.00 \| +100 \| +5.00 \|/);
    expect(text).toContain('| 2 more ops');
    expect(text).not.toContain('op12 ');
    const md = toMarkdown({ ...result, rows: [...rows, epoch] });
    expect(md).toContain("## Where a step's time goes");
    expect(md).toContain('medianStepMs 3.10');
    expect(md).not.toContain('stepProfile');
  });

  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <date>-<device>.json, .md and PNG ratio charts', () => {
    const files = writeResults(dir, result, renderCharts);
    expect(files.json).toBe(join(dir, '2026-11-22-cpu-test-2c.json'));
    const back = JSON.parse(readFileSync(files.json, 'utf8')) as BenchResult;
    expect(back.rows).toHaveLength(rows.length);
    expect(back.goals.find((g) => g.id === 'conv3x3-fwdbwd' && g.threads === 1)?.met).toBe(true);
    expect(readFileSync(files.markdown, 'utf8')).toContain('## Goals');
    expect(files.charts.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      '2026-11-22-cpu-test-2c-goals-1t.png',
      '2026-11-22-cpu-test-2c-goals-2t.png',
      '2026-11-22-cpu-test-2c-overhead-vs-torch-1t.png',
      '2026-11-22-cpu-test-2c-vs-ort-1t.png',
      '2026-11-22-cpu-test-2c-vs-ort-2t.png',
      '2026-11-22-cpu-test-2c-vs-torch-1t.png',
    ]);
    for (const f of files.charts) expect([...readFileSync(f).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
  });
});
