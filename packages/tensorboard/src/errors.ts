/**
 * Thrown for bad arguments and for use after close(). The message names the method, the
 * argument, what was expected and what was given. Separate from @nutshell/tensor's errors
 * because this package does not depend on it.
 */
export class TensorBoardError extends Error {
  override name = 'TensorBoardError';
}
