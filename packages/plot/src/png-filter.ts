// PNG row filters. Each row is prefixed by the filter that predicts it best, chosen by libpng's
// heuristic (smallest sum of |signed residual|). Charts are flat colour with sharp edges, so
// "Sub" and "Up" turn most rows into zeros and deflate shrinks them several times more than
// unfiltered rows.

/** Returns the filtered scanlines (height × (1 + stride) bytes) ready for deflate. */
export function chooseFilteredRows(data: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < 5; f++) {
      const cost = filterRow(f, row, prev, bpp, candidates[f]);
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    const at = y * (stride + 1);
    out[at] = best;
    out.set(candidates[best], at + 1);
  }
  return out;
}

function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): number {
  let cost = 0;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    let predicted: number;
    switch (type) {
      case 0: predicted = 0; break;
      case 1: predicted = a; break;
      case 2: predicted = b; break;
      case 3: predicted = (a + b) >> 1; break;
      default: predicted = paeth(a, b, c);
    }
    const v = (row[i] - predicted) & 0xff;
    out[i] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

export function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
