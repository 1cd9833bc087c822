/**
 * Thrown for bad arguments. The message names the function, the argument, what was expected and
 * what was given. This package depends on nothing, so it does not share @nutshell/tensor's
 * NutshellError; callers can still tell plot errors apart by this class.
 */
export class PlotError extends Error {
  override name = 'PlotError';
}
