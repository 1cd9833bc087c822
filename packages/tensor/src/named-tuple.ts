// Results that destructure the PyTorch way and still read by name: `const [values, indices] =
// x.max(1)`, `x.max(1)[0]` and `const [out, [h, c]] = lstm.forward(x)` (nn) as well as
// `const { values, indices } = …`. A result is an array carrying named
// fields, as a RegExp match is. TypeScript types a destructured position only from a tuple type;
// a plain object typed as a tuple (the data package's object batches iterate their fields, but
// they are all tensors) would type-check `result.map(…)` and `result[0]` and fail when run, so
// the array is real and the type says exactly what it is.

/** A tuple with named fields: `T`'s positions and `F`'s keys, one value each. */
export type NamedTuple<T extends readonly unknown[], F extends object> = T & F;

/** `items` as an array that also has `fields` as own properties. */
export function namedTuple<const T extends readonly unknown[], F extends object>(items: T, fields: F): NamedTuple<T, F> {
  return Object.assign([...items], fields) as unknown as NamedTuple<T, F>;
}
