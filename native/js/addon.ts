// Loads the compiled addon on first use (importing this package never touches native code), and
// describes its surface. NUTSHELL_ADDON overrides the path (a build in another folder).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** A slot in the addon's handle table holding one storage reference (release it exactly once). */
export type NativeHandle = number & { readonly __nativeHandle: unique symbol };

export interface NativeBackendInfo {
  compiled: boolean;
  available: boolean;
  reason: string;
  deviceCount: number;
  facts: Record<string, string>;
}

export interface NativeMemory {
  liveTensors: number;
  liveBytes: number;
  peakBytes: number;
  reservedBytes: number;
}

export interface NativeAddon {
  backends(): { cpu: NativeBackendInfo; cuda: NativeBackendInfo };
  fromBytes(deviceType: number, deviceIndex: number, bytes: ArrayBufferView): NativeHandle;
  read(handle: NativeHandle, nbytes: number): Promise<ArrayBuffer>;
  readSync(handle: NativeHandle, nbytes: number): ArrayBuffer;
  /** The bytes at once when no queued op can still write them and they are small; undefined otherwise (Note [reads of finished values]). */
  readIfReady(handle: NativeHandle, nbytes: number): ArrayBuffer | undefined;
  /**
   * Runs one op. `packed` holds the input handles, then the tensor metadata ([dtype, rank, dims…]
   * per input, the output count, the same per output), then the attributes; it may be longer
   * than what the counts cover. Returns the output count and writes the output handles over
   * packed[0…] (-1 for an output aliased to an input: aliases[i] = input index, written in place).
   */
  run(op: number, deviceType: number, deviceIndex: number, packed: Float64Array, inputCount: number, metaLength: number, attrsLength: number, aliases?: Int32Array): number;
  release(handle: NativeHandle): void;
  share(handle: NativeHandle): NativeHandle;
  /** Tells V8 the bytes the handle holds, for a tensor left to the garbage collector (Note [external memory]); idempotent. */
  reportExternal(handle: NativeHandle): void;
  transfer(handle: NativeHandle, nbytes: number, deviceType: number, deviceIndex: number): NativeHandle;
  memory(deviceType: number, deviceIndex: number): NativeMemory;
  emptyCache(deviceType: number): void;
  /** Starts the device's peak over from its live bytes. */
  resetPeakMemory(deviceType: number, deviceIndex: number): void;
  synchronize(deviceType: number, deviceIndex: number): void;
  setNumThreads(n: number): void;
  /** Backend-specific settings and queries that are not ops: JSON in, JSON out. */
  control(deviceType: number, name: string, argsJson: string): string;
  opNames(): string[];
  hasKernel(op: number, deviceType: number): boolean;
  opCount: number;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const addonPath = (): string => process.env.NUTSHELL_ADDON ?? join(packageRoot, 'build', 'Release', 'nutshell.node');

let cached: NativeAddon | undefined;

export function addon(): NativeAddon {
  if (cached) return cached;
  const path = addonPath();
  // OpenMP threads that spin while idle starve the JS thread and other processes on small
  // machines (a loaded 2-core machine ran a LeNet step 6× slower): sleep instead, unless the user
  // chose otherwise (a wait policy, or a spin count of their own). libgomp reads this when the
  // addon loads it, so it is set first.
  if (process.env.GOMP_SPINCOUNT === undefined) process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    cached = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    // Node's message ends in a "Require stack:" list of this package's own files.
    const why = (err instanceof Error ? err.message : String(err)).split('\nRequire stack:')[0].trim();
    throw new Error(
      `@nutshell/native: cannot load the addon at ${path} (${why}). ` +
        'Build it with `npm rebuild @nutshell/native` (in the nutshell repo: `npm run build`); it needs a C++17 compiler, CMake and ' +
          'oneDNN (apt-get install libdnnl-dev). `npx nutshell doctor` says what is missing.',
    );
  }
  return cached;
}
