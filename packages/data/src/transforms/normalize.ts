// (x - mean[c]) / std[c] per channel of a float32 image [C, H, W] or clip/volume [C, D, H, W].
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { planesOf, requireFloat32 } from './check.js';
import { type Transform, defineTransform } from './transform.js';

const perChannel = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v] : [...v]);

export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const m = perChannel(mean);
  const s = perChannel(std);
  for (const [name, v] of [['mean', m], ['std', s]] as const) {
    if (v.length === 0 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new ValueError(`normalize: ${name} expected a finite number or a non-empty array of them, got ${JSON.stringify(name === 'mean' ? mean : std)}`);
    }
  }
  if (s.some((x) => x === 0)) throw new ValueError(`normalize: std expected non-zero values, got [${s.join(', ')}]`);
  return defineTransform(
    (x) => {
      const { channels: c } = planesOf('normalize', x);
      const src = requireFloat32('normalize', x);
      for (const [name, v] of [['mean', m], ['std', s]] as const) {
        if (v.length !== 1 && v.length !== c) throw new ShapeError(`normalize: ${name} has ${v.length} values but the image has ${c} channels`);
      }
      const out = new Float32Array(src.length);
      const plane = src.length / c; // a channel's values: H·W, or D·H·W
      for (let k = 0; k < c; k++) {
        const mk = m.length === 1 ? m[0] : m[k];
        const inv = 1 / (s.length === 1 ? s[0] : s[k]);
        for (let i = k * plane, end = i + plane; i < end; i++) out[i] = (src[i] - mk) * inv;
      }
      return { data: out, shape: x.shape };
    },
    { module: import.meta.url, name: 'normalize', args: [m, s] },
  );
}
