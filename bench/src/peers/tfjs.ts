// TensorFlow.js with its pure-JS cpu backend and its wasm backend (single-threaded here: the
// threaded wasm build needs a worker setup that Node's tfjs loader does not provide, so tfjs rows
// are measured at 1 thread only). tfjs-node does not install offline; setup records that.
import { dirname } from 'node:path';
import { loadPeer, resolvePeer } from './load.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Tf = any;

let tf: Tf | undefined;
let wasmReady = false;

export function loadTf(): Tf {
  if (!tf) {
    // Silence the "install tfjs-node" banner: it is expected here.
    const log = console.log;
    console.log = () => {};
    try {
      tf = loadPeer<Tf>('@tensorflow/tfjs');
    } finally {
      console.log = log;
    }
  }
  return tf;
}

export type TfBackend = 'cpu' | 'wasm';

export async function useBackend(backend: TfBackend): Promise<Tf> {
  const t = loadTf();
  if (backend === 'wasm' && !wasmReady) {
    const wasm = loadPeer<any>('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dirname(resolvePeer('@tensorflow/tfjs-backend-wasm')) + '/');
    if (typeof wasm.setThreadsCount === 'function') wasm.setThreadsCount(1);
    wasmReady = true;
  }
  const { log, warn } = console;
  console.log = console.warn = () => {}; // the "install tfjs-node" banner is expected here
  try {
    if (!(await t.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not initialise`);
    await t.ready();
    t.tensor([1]).dispose(); // the cpu backend prints its banner on first use: use it now, silenced
  } finally {
    console.log = log;
    console.warn = warn;
  }
  return t;
}
