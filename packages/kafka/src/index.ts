export * from './admin.js';
export * from './client.js';
export * from './consumer.js';
export * from './errors.js';
export * from './log.js';
export * from './outbox.js';
export * from './producer.js';
export * from './service-schema.js';
