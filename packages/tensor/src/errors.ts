// Every refusal is a NutshellError subclass whose message names the op, the argument, what was
// expected and what was given, e.g.
// "conv2d: weight has 3 input channels but input has 1 (input [64,1,28,28], weight [6,3,5,5])".

export class NutshellError extends Error {
  override name = 'NutshellError';
}
export class ShapeError extends NutshellError {
  override name = 'ShapeError';
}
export class DTypeError extends NutshellError {
  override name = 'DTypeError';
}
export class DeviceError extends NutshellError {
  override name = 'DeviceError';
}
export class BackendError extends NutshellError {
  override name = 'BackendError';
}
export class DataError extends NutshellError {
  override name = 'DataError';
}
export class ValueError extends NutshellError {
  override name = 'ValueError';
}
/** Using a tensor after dispose(). */
export class DisposedError extends NutshellError {
  override name = 'DisposedError';
}

const byKind: Record<string, new (message: string) => NutshellError> = {
  ShapeError, DTypeError, DeviceError, BackendError, DataError, ValueError,
};

/** Native errors carry `nutshellKind`; give them their JS class (anything else passes through). */
export function fromNative(err: unknown): unknown {
  if (err instanceof NutshellError || !(err instanceof Error)) return err;
  const kind = (err as Error & { nutshellKind?: string }).nutshellKind;
  if (!kind) return err;
  const Cls = byKind[kind] ?? BackendError;
  const mapped = new Cls(err.message);
  // The native error's frames, under the class's name (its stack began "Error: ").
  mapped.stack = err.stack?.replace(/^Error(?=: )/, mapped.name);
  return mapped;
}

/**
 * A native error surfacing at a read (data(), item(), dataSync()): the op that failed ran on the
 * device's stream after its call had returned, so the error carries no JS frames and a trace
 * pointed nowhere (a user trial's qr refusal). It gets the read's stack instead, with the async
 * callers that awaited it, so the trace leads to the user's code; the message names the op.
 */
export function fromNativeAtRead(err: unknown): unknown {
  const mapped = fromNative(err);
  if (mapped instanceof NutshellError && !/\n\s+at /.test(mapped.stack ?? '')) {
    Error.captureStackTrace(mapped, fromNativeAtRead);
  }
  return mapped;
}

export const fmtShape = (shape: readonly number[]): string => `[${shape.join(',')}]`;
