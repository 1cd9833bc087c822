// Note [namespace spellings]: ported code calls linalg.matrix_rank(A) or special.log_softmax(x),
// and JavaScript answers "… is not a function". A namespace object behind answerSnakeCase answers
// the snake_case form of each of its camelCase names with a TypeError naming ours; any other name
// it lacks (symbols, 'then', a torch function not here) reads as undefined, as on a plain object.
// A module namespace (distributions, exported with `export * as` so that D.Normal names a type as
// well as a class) is fixed when it is linked and cannot be a proxy: PyTorch's snake_case names
// of its functions (D.kl_divergence) are exports of their own, made by snakeCaseExport, which
// throw the same TypeError when called, typed never so that TypeScript refuses them as it compiles.
export function answerSnakeCase<T extends object>(prefix: string, functions: T): T {
  const snake = new Map(
    Object.keys(functions)
      .filter((name) => /[A-Z]/.test(name))
      .map((name) => [name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(), name] as const),
  );
  return new Proxy(functions, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !Object.prototype.hasOwnProperty.call(target, key)) {
        const ours = snake.get(key);
        if (ours) throw new TypeError(`${prefix}.${key}: this API spells it ${prefix}.${ours}`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * A stand-in export for PyTorch's spelling `snake` of the module namespace `prefix`'s function
 * `ours` (Note [namespace spellings]): calling it throws answerSnakeCase's TypeError.
 */
export function snakeCaseExport(prefix: string, snake: string, ours: string): never {
  const refuse = (): never => {
    throw new TypeError(`${prefix}.${snake}: this API spells it ${prefix}.${ours}`);
  };
  Object.defineProperty(refuse, 'name', { value: snake });
  return refuse as never;
}
