export * from './migrations.js';
export * from './pool.js';
