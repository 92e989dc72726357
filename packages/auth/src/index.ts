export * from './device-credentials.js';
export * from './tokens.js';
