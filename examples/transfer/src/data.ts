// Fashion-MNIST split by class: which images of a split have the wanted labels (a Subset of
// their indices), with labels renumbered from 0 (a 5-way problem has labels 0..4).
import { FashionMNIST, Rng, Subset, permutation, type Dataset, type ImageSample } from '@nutshell/data';
import type { Rng as RngT } from '@nutshell/data';

/** A dataset whose labels go through `map` (5..9 → 0..4). */
export class Relabel implements Dataset<ImageSample> {
  constructor(readonly dataset: Dataset<ImageSample>, readonly map: (label: number) => number) {}
  get length(): number {
    return this.dataset.length;
  }
  get(index: number, rng?: RngT): ImageSample {
    const s = this.dataset.get(index, rng);
    return { image: s.image, label: this.map(s.label) };
  }
}

/**
 * The images of `set` whose label is in `classes`, relabelled to their position in `classes`.
 * With `perClass`, only that many of each class, drawn at random with `seed`.
 */
export function byClass(set: FashionMNIST, classes: readonly number[], options: { perClass?: number; seed?: number } = {}): Relabel {
  const position = new Map(classes.map((c, i) => [c, i]));
  let indices: number[];
  if (options.perClass === undefined) {
    indices = [];
    set.labels.forEach((l, i) => position.has(l) && indices.push(i));
  } else {
    const order = permutation(set.length, new Rng(options.seed ?? 0, 0x7a));
    const taken = new Map(classes.map((c) => [c, 0]));
    indices = [];
    for (const i of order) {
      const l = set.labels[i];
      if (taken.has(l) && taken.get(l)! < options.perClass) {
        taken.set(l, taken.get(l)! + 1);
        indices.push(i);
      }
    }
    for (const [c, n] of taken) if (n < options.perClass) throw new Error(`byClass: only ${n} images of class ${c} to draw ${options.perClass} from`);
    indices.sort((a, b) => a - b);
  }
  return new Relabel(new Subset(set, indices), (l) => position.get(l)!);
}
