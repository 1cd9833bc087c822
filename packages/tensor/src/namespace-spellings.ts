// Note [namespace spellings]: ported code calls linalg.matrix_rank(A) or special.log_softmax(x),
// and JavaScript answers "… is not a function". A namespace object behind answerSnakeCase answers
// the snake_case form of each of its camelCase names with a TypeError naming ours; any other name
// it lacks (symbols, 'then', a torch function not here) reads as undefined, as on a plain object.
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
