// PyTorch spells options and state in snake_case, this API in camelCase: the one conversion each
// way that checkpoints, param-group checks and scheduler state use.
export const toSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
