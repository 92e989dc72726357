import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPool, type Pool } from './pool.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  name: string;
}

/** The server tests use: DATABASE_URL (the local default otherwise). */
export function testServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/restock';
}

/**
 * A fresh database for one test file, dropped when the file's tests end. Real PostgreSQL, isolated
 * from every other file running at the same time.
 */
export async function createTestDatabase(prefix = 'restock_t'): Promise<TestDatabase> {
  const server = new URL(testServerUrl());
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const pool = createPool({ connectionString: url.toString(), max: 10 });
  created.push({ name, pool, adminUrl: adminUrl.toString() });
  return { url: url.toString(), pool, name };
}

const created: { name: string; pool: Pool; adminUrl: string }[] = [];

// Registered when this module is imported, i.e. at the top level of the test file: vitest ignores an
// afterAll registered from inside beforeAll, which is where most files create their database.
afterAll(async () => {
  for (const db of created.splice(0)) {
    await db.pool.end().catch(() => {});
    const drop = new pg.Client({ connectionString: db.adminUrl });
    await drop.connect();
    try {
      await drop.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    } finally {
      await drop.end();
    }
  }
});
