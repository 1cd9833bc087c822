// Where MNIST-style IDX files are looked for, and the message when they are not there.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '@nutshell/tensor/errors';

/** How one MNIST-style dataset is found and named. */
export interface IdxImageSource {
  /** The class name, for messages ("FashionMNIST"). */
  readonly name: string;
  /** Folder name under NUTSHELL_DATA and under the system folder. */
  readonly folder: string;
  /** Where the system package puts the files, if there is one. */
  readonly systemRoot: string;
  /** How to get the files, appended to "not found" messages. */
  readonly howToGet: string;
}

export type Split = 'train' | 't10k';
export type Part = 'images-idx3' | 'labels-idx1';

/** Folders to search, in order: `root` alone when given, else NUTSHELL_DATA's, then the system's. */
export function candidateRoots(source: IdxImageSource, root: string | undefined): string[] {
  if (root !== undefined) return [root];
  const env = process.env.NUTSHELL_DATA;
  const roots = env ? [join(env, source.folder), env] : [];
  roots.push(source.systemRoot);
  return roots;
}

/** The published name (gzipped), its un-gzipped form, and the dotted form some mirrors use. */
export function fileNames(split: Split, part: Part): string[] {
  const base = `${split}-${part}-ubyte`;
  return [`${base}.gz`, base, `${split}-${part.replace('-', '.')}-ubyte`];
}

/** The first folder holding both files of a split, with their paths. */
export function locate(source: IdxImageSource, root: string | undefined, split: Split): { root: string; images: string; labels: string } {
  const roots = candidateRoots(source, root);
  const halves: string[] = [];
  for (const dir of roots) {
    const images = fileNames(split, 'images-idx3').map((f) => join(dir, f)).find((p) => existsSync(p));
    const labels = fileNames(split, 'labels-idx1').map((f) => join(dir, f)).find((p) => existsSync(p));
    if (images && labels) return { root: dir, images, labels };
    if (images || labels) halves.push(`${dir} has ${basename((images ?? labels)!)} but no ${images ? 'labels' : 'images'} file (${fileNames(split, images ? 'labels-idx1' : 'images-idx3')[0]})`);
  }
  if (halves.length) throw new DataError(`${source.name}: ${halves.join('; ')}. ${source.howToGet}`);
  const wanted = [...fileNames(split, 'images-idx3').slice(0, 2), ...fileNames(split, 'labels-idx1').slice(0, 2)].join(', ');
  throw new DataError(
    `${source.name}: cannot find the ${split === 'train' ? 'training' : 'test'} files (${wanted}); looked in ${roots.join(', ')}. ${source.howToGet}`,
  );
}
