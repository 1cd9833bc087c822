// The tensor package's view of @nutshell/native: the addon, op ids by name, error mapping.
import { addon, type NativeAddon } from '@nutshell/native';
import { BackendError } from './errors.js';
import { opIds } from './gen/op-ids.gen.js';

let checked: NativeAddon | undefined;

/** The addon, checked once against the op table this package was generated with. */
export function native(): NativeAddon {
  if (checked) return checked;
  let a: NativeAddon;
  try {
    a = addon();
  } catch (err) {
    throw new BackendError((err as Error).message); // one of this package's error classes, like every other failure
  }
  const names = a.opNames();
  for (const [name, id] of Object.entries(opIds)) {
    if (names[id] !== name) {
      throw new BackendError(
        `@nutshell/native was built from another op table (op ${id} is '${names[id]}' there, '${name}' here): rebuild it`,
      );
    }
  }
  checked = a;
  // Note [streams at exit] (native/src/cpu/stream.cc): process.exit() with ops queued crashed in
  // oneDNN's static destructors; stopping the stream first drops them and joins its thread.
  process.once('exit', () => {
    try {
      a.control(0, 'stopStream', '{}'); // 0: the cpu backend
    } catch {
      // an addon without the control (built before it) exits as it did
    }
  });
  return a;
}

export function opId(name: string): number {
  const id = (opIds as Record<string, number>)[name];
  if (id === undefined) throw new BackendError(`${name}: not in the generated op ids; run \`npm run gen -w @nutshell/tensor\``);
  return id;
}

let cudaDevices: number | undefined;
/** GPUs the cuda backend can run on here, 0 when it cannot run (asked once: loading it is not free). */
export function cudaDeviceCount(): number {
  if (cudaDevices === undefined) {
    const cuda = native().backends().cuda;
    cudaDevices = cuda.available ? cuda.deviceCount : 0;
  }
  return cudaDevices;
}
export const cudaAvailable = (): boolean => cudaDeviceCount() > 0;
