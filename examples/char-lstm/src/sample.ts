// Text from the model, one character at a time: the logits of the next character are divided
// by a temperature, turned into probabilities (softmax, on the device), copied to the host and
// sampled there (inverse CDF with a seeded generator); the character is fed back in.
import { Rng } from '@nutshell/data';
import { div, noGrad, scope, softmax, tensor, type Tensor } from '@nutshell/tensor';
import type { CharLSTM, LSTMState } from './model.js';

/** An index drawn with probability probs[i] (probs need not sum exactly to 1). */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i];
  let u = rng.float() * total;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i];
    if (u < 0) return i;
  }
  return probs.length - 1; // rounding left a sliver at the end
}

export interface SampleOptions {
  /** Characters to generate. */
  length: number;
  /** < 1 sharpens the distribution (safer, more repetitive), > 1 flattens it (more surprising). */
  temperature: number;
  seed?: number;
}

/** Continues `prompt` (token ids, at least one) with `length` sampled tokens. */
export async function sample(model: CharLSTM, prompt: readonly number[], o: SampleOptions): Promise<number[]> {
  if (prompt.length === 0) throw new Error('sample: the prompt needs at least one token');
  if (!(o.temperature > 0)) throw new Error(`sample: temperature expected a positive number, got ${o.temperature}`);
  const rng = new Rng(o.seed ?? 0, 0x5eed);
  const wasTraining = model.training;
  model.eval();
  const out: number[] = [];
  let state: LSTMState | undefined;
  let input = prompt.slice();
  try {
    for (let i = 0; i < o.length; i++) {
      const step: { probs: Tensor; state: LSTMState } = noGrad(() => scope(() => {
        const ids = tensor(BigInt64Array.from(input, BigInt), { shape: [1, input.length] });
        const r = model.forward(ids, state);
        const last = r.logits.shape[0] - 1;
        const logits = r.logits.narrow(0, last, 1);
        return { probs: softmax(div(logits, o.temperature), 1), state: r.state };
      }));
      state?.h.dispose();
      state?.c.dispose();
      state = step.state;
      const probs = await step.probs.data();
      step.probs.dispose();
      const next = sampleIndex(probs as Float32Array, rng);
      out.push(next);
      input = [next];
    }
  } finally {
    state?.h.dispose();
    state?.c.dispose();
    model.train(wasTraining);
  }
  return out;
}
