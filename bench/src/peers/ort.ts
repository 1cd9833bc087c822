// ONNX Runtime for Node, CPU execution provider, one session per model with the bench's thread
// count as intra-op threads (inter-op 1, sequential execution: the same shape of parallelism
// as nutshell's one stream with OpenMP inside each op).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../paths.js';
import { loadPeer } from './load.js';
import { PeerUnavailable } from './torch.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ort = any;

let ort: Ort | undefined;
export function loadOrt(): Ort {
  ort ??= loadPeer<Ort>('onnxruntime-node');
  return ort;
}

export interface OrtModel {
  /** Runs with ready-made ort.Tensor feeds (what the timed loop calls). */
  runTensors(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
  run(feeds: Record<string, Float32Array>, dims: Record<string, number[]>): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
  release(): Promise<void>;
}

export async function ortSession(model: string, threads: number): Promise<OrtModel> {
  const o = loadOrt();
  const path = join(modelsDir, model);
  if (!existsSync(path)) throw new PeerUnavailable(`model ${model} missing (run: npm run setup -w @nutshell/bench)`);
  const session = await o.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return {
    async runTensors(feeds) {
      return await session.run(feeds);
    },
    async run(feeds, dims) {
      const t: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(feeds)) t[k] = new o.Tensor('float32', v, dims[k]);
      return await session.run(t);
    },
    async release() {
      await session.release();
    },
  };
}
