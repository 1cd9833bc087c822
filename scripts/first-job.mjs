#!/usr/bin/env node
// A small real job for a fresh checkout: fit y = 3x + 2 by gradient descent on the cpu backend.
import { add, mul, noGrad, scope, sum, tensor, formatBackends, keep } from '@nutshell/tensor';

console.log(formatBackends());
const xs = Array.from({ length: 64 }, (_, i) => i / 32 - 1);
const x = tensor(xs);
const y = tensor(xs.map((v) => 3 * v + 2));
let w = tensor([0], { requiresGrad: true });
let b = tensor([0], { requiresGrad: true });
for (let step = 0; step <= 200; step++) {
  const loss = scope(() => {
    const err = add(add(mul(x, w), b), mul(y, -1));
    const l = mul(sum(mul(err, err)), 1 / xs.length);
    l.backward();
    noGrad(() => {
      const nw = keep(add(w, mul(w.grad, -0.5)).requiresGrad_());
      const nb = keep(add(b, mul(b.grad, -0.5)).requiresGrad_());
      w.dispose();
      b.dispose();
      w = nw;
      b = nb;
    });
    return l.itemSync();
  });
  if (step % 50 === 0) console.log(`step ${step}  loss ${loss.toFixed(6)}  w ${w.itemSync().toFixed(4)}  b ${b.itemSync().toFixed(4)}`);
}
