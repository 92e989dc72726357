export * from './auth-config.js';
export * from './device-credentials.js';
export * from './tokens.js';
