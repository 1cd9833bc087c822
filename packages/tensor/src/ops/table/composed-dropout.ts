// Channel-wise dropout (PyTorch's dropout1d, dropout2d, dropout3d: feature_dropout): each
// channel of each sample is zeroed whole with probability p and the others scaled by 1/(1 − p).
// The per-channel factors are dropout() of ones [N, C], so they come from the same generator
// stream (one draw per channel: a seed gives the same masks on every device) and p = 1 zeroes
// everything; the input is multiplied by them broadcast over its spatial dims, so the gradient
// is the same masking.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { mul } from './binary.js';
import { createOptions, ones } from './creation.js';
import { dropout, Generator } from './random.js';
import { reshape } from './shape.js';

export interface ChannelDropoutOptions {
  /** Drop while training (default true); otherwise the input is returned as it is. */
  training?: boolean;
  /** The stream to draw from (default: the shared default generator). */
  generator?: Generator;
}

/**
 * @param ranks [unbatched rank, batched rank] the function takes (0 for none).
 * @param layout the input's dims for messages, e.g. '[N, C, L] or [C, L]'.
 */
function channelDropout(
  fn: string,
  input: Tensor,
  p: number,
  training: boolean | ChannelDropoutOptions,
  options: { generator?: Generator },
  ranks: readonly [number, number],
  layout: string,
  refuse?: (rank: number) => string | undefined,
): Tensor {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`${fn}: p expected a probability in [0, 1], got ${p}`);
  // As dropout: an options object in training's place holds { training, generator }.
  if (typeof training === 'object' && training !== null) {
    createOptions(fn, training, ['training', 'generator']);
    options = training;
    training = training.training ?? true;
  } else createOptions(fn, options, ['generator']);
  if (typeof training !== 'boolean') throw new ValueError(`${fn}: training expected a boolean (or an options object), got ${training === null ? 'null' : typeof training}`);
  const generator = options.generator;
  if (generator !== undefined && !(generator instanceof Generator)) throw new ValueError(`${fn}: option 'generator' expected a Generator, got ${generator === null ? 'null' : typeof generator}`);
  tensorArg(fn, 'input', input);
  const rank = input.shape.length;
  const special = refuse?.(rank);
  if (special) throw new ShapeError(special);
  if (rank === 0 || !ranks.includes(rank)) throw new ShapeError(`${fn}: input expected ${layout} (${ranks.filter((r) => r > 0).join('-D or ')}-D), got ${fmtShape(input.shape)}`);
  if (!training || p === 0 || input.numel === 0) return input; // nothing drawn, like PyTorch
  if (input.dtype !== 'float32') throw new DTypeError(`${fn}: input expected float32, got ${input.dtype}`);
  const batched = rank === ranks[1];
  const [n, c] = batched ? input.shape.slice(0, 2) : [1, input.shape[0]];
  const spatial = input.shape.slice(batched ? 2 : 1).map(() => 1);
  return scope(() => {
    const factors = dropout(ones([n, c], { device: input.device }), p, true, { generator });
    return mul(input, reshape(factors, batched ? [n, c, ...spatial] : [c, ...spatial]));
  });
}

/**
 * Zeroes whole channels of [N, C, L] (or unbatched [C, L]) with probability p while training,
 * scaling the rest by 1/(1 − p): torch.nn.functional.dropout1d. `training` may be an options
 * object { training, generator }, as dropout's.
 */
export function dropout1d(
  input: Tensor,
  p = 0.5,
  training: boolean | ChannelDropoutOptions = true,
  options: { generator?: Generator } = {},
): Tensor {
  return channelDropout('dropout1d', input, p, training, options, [2, 3], '[N, C, L] or [C, L]');
}

/**
 * Zeroes whole channels of [N, C, H, W] with probability p while training (dropout2d). A 3-D
 * input is refused: PyTorch reads it as [N, C, L] with a warning that it will read it as
 * unbatched [C, H, W]; dropout1d or unsqueeze(0) says which is meant.
 */
export function dropout2d(
  input: Tensor,
  p = 0.5,
  training: boolean | ChannelDropoutOptions = true,
  options: { generator?: Generator } = {},
): Tensor {
  return channelDropout('dropout2d', input, p, training, options, [0, 4], '[N, C, H, W]', (rank) =>
    rank === 3
      ? `dropout2d: a 3-D input ${fmtShape(input.shape)} is ambiguous (PyTorch reads it as [N, C, L] and warns that it will read it as unbatched [C, H, W]); use dropout1d for [N, C, L], or unsqueeze(0) an unbatched [C, H, W]`
      : undefined,
  );
}

/** Zeroes whole channels of [N, C, D, H, W] (or unbatched [C, D, H, W]) with probability p while training (dropout3d). */
export function dropout3d(
  input: Tensor,
  p = 0.5,
  training: boolean | ChannelDropoutOptions = true,
  options: { generator?: Generator } = {},
): Tensor {
  return channelDropout('dropout3d', input, p, training, options, [4, 5], '[N, C, D, H, W] or [C, D, H, W]');
}
