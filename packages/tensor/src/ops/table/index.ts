// Every op family; importing this module declares the whole op table.
export * from './binary.js';
export * from './cast.js';
export * from './inplace.js';
export * from './creation.js';
export * from './reduce.js';
export * from './shape.js';
