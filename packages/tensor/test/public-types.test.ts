// The published declarations (dist/*.d.ts, built before the tests run) give a consumer the whole
// Tensor type: methods added by module augmentation reach it only through a file index.d.ts
// imports (a user trial: indexAdd_, scatterAdd_, scatterReduce_, tan_ worked at run time but
// did not type-check). Compiles a consumer's file against them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('the published types', () => {
  it('carry the in-place and the other methods onto Tensor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutshell-types-'));
    try {
      const file = join(dir, 'consumer.ts');
      writeFileSync(
        file,
        `import * as T from ${JSON.stringify(dist)};
const out = T.zeros([3, 2]);
const at = T.tensor([0, 2], { dtype: 'int64' });
const src = T.ones([2, 2]);
out.indexAdd_(0, at, src).scatterAdd_(0, T.zeros([2, 2], { dtype: 'int64' }), src).tan_();
out.scatterReduce_(0, T.zeros([2, 2], { dtype: 'int64' }), src, 'amax').exp_().clampMin_(0).zero_();
const y: T.Tensor = out.relu().sum({ dim: 0 });
void y;
`,
      );
      const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
