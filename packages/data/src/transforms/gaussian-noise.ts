// torchvision.transforms.v2.GaussianNoise on float32 images: x + mean + sigma·N(0, 1) per element,
// clamped to [0, 1] when `clip`. The normal draws come from the sample rng by Box–Muller, one
// pair of uniforms for each two elements in row-major order (normals() below).
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import type { Rng } from '../rng.js';
import { planesOf, requireFloat32 } from './check.js';
import { type Transform, defineTransform } from './transform.js';

export interface GaussianNoiseOptions {
  /** The noise's mean (default 0). */
  mean?: number;
  /** The noise's standard deviation (default 0.1). */
  sigma?: number;
  /** Clamp the result to [0, 1] (default true). */
  clip?: boolean;
}

/**
 * n standard normal values from rng: Box–Muller on uniforms u1, u2 (u1 in (0, 1]) gives the pair
 * r·cos θ, r·sin θ, in that order; an odd n drops the last pair's second value.
 */
export function normals(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.float()));
    const theta = 2 * Math.PI * rng.float();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

export function gaussianNoise(options: GaussianNoiseOptions = {}): Transform {
  checkOptions('gaussianNoise', options, ['mean', 'sigma', 'clip']);
  const mean = options.mean ?? 0;
  const sigma = options.sigma ?? 0.1;
  const clip = options.clip ?? true;
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new ValueError(`gaussianNoise: mean expected a finite number, got ${mean}`);
  if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma)) throw new ValueError(`gaussianNoise: sigma expected a finite non-negative number, got ${sigma}`);
  if (typeof clip !== 'boolean') throw new ValueError(`gaussianNoise: clip expected a boolean, got ${JSON.stringify(clip)}`);
  return defineTransform(
    (x, rng) => {
      planesOf('gaussianNoise', x);
      const src = requireFloat32('gaussianNoise', x);
      const z = normals(src.length, rng);
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i] + (mean + z[i] * sigma);
        out[i] = clip ? Math.min(Math.max(v, 0), 1) : v;
      }
      return { data: out, shape: x.shape };
    },
    { module: import.meta.url, name: 'gaussianNoise', args: [{ mean, sigma, clip }] },
  );
}
