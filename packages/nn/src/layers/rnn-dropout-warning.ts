// PyTorch's warning for a recurrent layer whose dropout can never apply: dropout acts between
// stacked layers (on the outputs of all but the last), so with one layer it is silently a no-op.
// Emitted once per process, as Python's default warning filter shows it once per call site.

/** The warning's code, for `process.on('warning')` filters and --disable-warning. */
export const RNN_DROPOUT_WARNING = 'NUTSHELL_RNN_DROPOUT_ONE_LAYER';

let warned = false;

export function warnDropoutWithOneLayer(dropout: number): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=${dropout} and numLayers=1`,
    { code: RNN_DROPOUT_WARNING },
  );
}
