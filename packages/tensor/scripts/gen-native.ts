// Writes the native dispatch from the op table (Note [one declaration per op]):
//   native/src/gen/ops.gen.h           OpId enum, names, one attribute struct per op
//   native/src/gen/{cpu,cuda}_kernels.gen.{h,cc}  kernel prototypes + registration: a declared
//                                      kernel that no backend file defines fails the link
//   packages/tensor/src/gen/op-ids.gen.ts         the same ids for the TS side
//   packages/tensor/src/gen/guarded.gen.ts        the public functions behind the arity guard
// `--check` compares instead of writing (the test suite runs it, so drift fails CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderGuarded } from './render-guarded.js';
import { renderNative } from './render-native.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const files = { ...(await renderNative()), ...renderGuarded() };
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, content] of Object.entries(files)) {
  const path = root + rel;
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === content) continue;
  if (check) {
    console.error(`stale: ${rel}`);
    stale++;
  } else {
    writeFileSync(path, content);
    console.log(`wrote ${rel}`);
  }
}
if (stale) {
  console.error('run `npm run gen -w @nutshell/tensor` and rebuild @nutshell/native');
  process.exit(1);
}
