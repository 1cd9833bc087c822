// Note [test table]: one generated suite for every declared op: PyTorch goldens (forward and
// backward), the finite-difference gradient check, declared refusals, generic refusals, and
// cpu↔cuda parity where a GPU is present. Skips come from asking the backends, never from names.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyOn, backends, Device, opTable, tensor, dtypes, type OpDecl, type Tensor } from '../src/index.js';
import { readSafetensorsFile, type RawTensor } from '../src/io/safetensors.js';
import { concreteSamples, expectClose, gradcheck, inputTensors } from '../src/testing/index.js';
import { scope } from '../src/memory.js';
import { native, opId } from '../src/native.js';

const fixtureDir = fileURLToPath(new URL('./fixtures/ops/', import.meta.url));
const cuda = backends().cuda;
// Parity runs where a GPU is present and the cuda backend has this op's kernel.
function cudaSkipReason(decl: OpDecl<any>, sample: { name: string }): string {
  if (!cuda.available) return `cuda unavailable: ${cuda.reason}`;
  if (decl.test?.noParity) return decl.test.noParity;
  const own = decl.test?.samples.find((s) => s.name === sample.name)?.noParity;
  if (own) return own;
  if (!decl.view && !native().hasKernel(opId(decl.name), 1)) return 'no cuda kernel';
  return '';
}

function fixtureOf(decl: OpDecl<any>): Map<string, RawTensor> | null {
  const path = `${fixtureDir}${decl.name}.safetensors`;
  return existsSync(path) ? readSafetensorsFile(path).tensors : null;
}

const cpu = Device.of('cpu');
const apply = (decl: OpDecl<any>, inputs: readonly Tensor[], attrs: never, device = cpu) => applyOn(device, decl, inputs, attrs);

const tol = (decl: OpDecl<any>) => decl.test?.goldenTolerance ?? 1e-4;

for (const decl of opTable) {
  describe(decl.name, () => {
    const samples = concreteSamples(decl);
    const fixture = fixtureOf(decl);

    it('declares test samples', () => {
      expect(samples.length).toBeGreaterThan(0);
    });

    if (!decl.test?.noGolden) {
      it('has PyTorch golden values (npm run fixtures)', () => {
        expect(fixture, `missing test/fixtures/ops/${decl.name}.safetensors`).not.toBeNull();
      });
    }

    for (const sample of samples) {
      if (fixture && !decl.test?.noGolden) {
        it(`${sample.name}: forward and backward match PyTorch`, () => {
          scope(() => {
            const get = (k: string) => fixture.get(`${sample.name}/${k}`);
            const inputs = sample.inputs.map((inp, i) => {
              const raw = get(`in${i}`)!;
              expect(raw, `fixture input ${i}`).toBeDefined();
              return tensor(raw.data, { shape: raw.shape, dtype: raw.dtype, requiresGrad: Boolean(decl.grad) && raw.dtype === 'float32' && !inp.noGrad });
            });
            const outs = apply(decl, inputs, sample.attrs as never);
            outs.forEach((o, j) => {
              const want = get(`out${j}`)!;
              expect(want, `fixture output ${j}`).toBeDefined();
              expect(o.shape).toEqual(want.shape);
              expect(o.dtype).toBe(want.dtype);
              expectClose(o.dataSync(), want.data, tol(decl), tol(decl), `output ${j}`);
            });
            const withGrad = outs.map((o, j) => [o, get(`up${j}`)] as const).filter(([o]) => o.requiresGrad);
            withGrad.forEach(([o, up], k) => o.backward(tensor(up!.data, { shape: up!.shape }), { retainGraph: k < withGrad.length - 1 }));
            inputs.forEach((x, i) => {
              const want = get(`grad${i}`);
              if (!want || !x.requiresGrad) return;
              expect(x.grad, `gradient of input ${i}`).not.toBeNull();
              expectClose(x.grad!.dataSync(), want.data, tol(decl), tol(decl), `gradient of input ${i}`);
            });
          });
        });
      }

      const differentiable = decl.grad && sample.inputs.some((inp) => inp.dtype === 'float32' && !inp.noGrad);
      if (differentiable) {
        it(`${sample.name}: gradient check`, () => {
          const result = gradcheck(decl, sample, decl.test?.gradTolerance);
          expect(result.details).toEqual([]);
        });
      }

      const skip = cudaSkipReason(decl, sample);
      it.skipIf(skip !== '')(`${sample.name}: cuda matches cpu${skip ? ` (skipped: ${skip})` : ''}`, () => {
        scope(() => {
          const onCpu = apply(decl, inputTensors(sample, false), sample.attrs as never);
          const onGpu = apply(decl, inputTensors(sample, false, 'cuda'), sample.attrs as never, Device.of('cuda'));
          onCpu.forEach((o, j) => expectClose(onGpu[j].dataSync(), o.dataSync(), tol(decl) * 10, tol(decl) * 10, `output ${j}`));
        });
      });
    }

    for (const bad of decl.test?.bad ?? []) {
      const refusal = expect.objectContaining({ name: bad.error, message: expect.stringMatching(bad.message) });
      it(`refuses ${bad.name}`, () => {
        const [s] = concreteSamples({ ...decl, test: { samples: [bad] } });
        scope(() => {
          const inputs = inputTensors(s, false);
          expect(() => apply(decl, inputs, s.attrs as never)).toThrowError(refusal);
        });
      });

      // The same refusal on cuda: at the call, or — for a value only the device sees (a class
      // target, an index) — when an output is read (Note [device-side errors] in cuda/common.cuh).
      const skip = cudaSkipReason(decl, { name: '' }) || (bad.noParity ?? '');
      it.skipIf(skip !== '')(`cuda refuses ${bad.name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
        const [s] = concreteSamples({ ...decl, test: { samples: [bad] } });
        scope(() => {
          const inputs = inputTensors(s, false, 'cuda');
          expect(() => apply(decl, inputs, s.attrs as never, Device.of('cuda')).forEach((o) => o.dataSync())).toThrowError(refusal);
        });
      });
    }

    if (decl.inputs.length > 0) {
      it('refuses a non-tensor argument, naming op and argument', () => {
        const args = Array.from({ length: decl.inputs.length }, () => 3 as unknown as Tensor);
        expect(() => apply(decl, args, samples[0].attrs as never)).toThrowError(
          expect.objectContaining({ name: 'ValueError', message: expect.stringContaining(`${decl.name}: argument '${decl.inputs[0].name}' expected a Tensor`) }),
        );
      });

      it('refuses a disposed input', () => {
        scope(() => {
          const inputs = inputTensors(samples[0], false);
          inputs[0].dispose();
          expect(() => apply(decl, inputs, samples[0].attrs as never)).toThrowError(
            expect.objectContaining({ name: 'DisposedError', message: expect.stringContaining(decl.name) }),
          );
        });
      });

      const refused = dtypes.find((d) => !decl.inputs[0].dtypes.includes(d));
      if (refused) {
        it(`refuses dtype ${refused} for '${decl.inputs[0].name}'`, () => {
          scope(() => {
            const inputs = inputTensors(samples[0], false);
            inputs[0] = tensor(new Array(inputs[0].numel).fill(1), { shape: inputs[0].shape, dtype: refused });
            expect(() => apply(decl, inputs, samples[0].attrs as never)).toThrowError(
              expect.objectContaining({ name: 'DTypeError', message: expect.stringContaining(`${decl.name}: argument '${decl.inputs[0].name}' expected dtype`) }),
            );
          });
        });
      }
    }

    it('refuses an unknown option', () => {
      scope(() => {
        const inputs = inputTensors(samples[0], false);
        expect(() => apply(decl, inputs, { ...samples[0].attrs, bogus: 1 } as never)).toThrowError(
          expect.objectContaining({ name: 'ValueError', message: expect.stringContaining(`${decl.name}: unknown option 'bogus'`) }),
        );
      });
    });
  });
}
