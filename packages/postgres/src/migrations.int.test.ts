import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrations.js';
import { createTestDatabase } from './testing.js';

const db = await createTestDatabase();

function migrationsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'restock-migrations-'));
  writeFileSync(
    join(dir, '0001_things.sql'),
    '-- Up Migration\nCREATE TABLE things (id int PRIMARY KEY);\n-- Down Migration\nDROP TABLE things;\n',
  );
  writeFileSync(join(dir, '0002_more.sql'), '-- Up Migration\nALTER TABLE things ADD COLUMN name text;\n');
  return dir;
}

describe('migrate', () => {
  it('applies each file once when several services and replicas start at the same time', async () => {
    const dir = migrationsDir();
    const runs = await Promise.all([
      migrate({ databaseUrl: db.url, schema: 'svc_a', dir }),
      migrate({ databaseUrl: db.url, schema: 'svc_a', dir }),
      migrate({ databaseUrl: db.url, schema: 'svc_b', dir }),
      migrate({ databaseUrl: db.url, schema: 'svc_b', dir }),
    ]);
    expect(runs.map((r) => r.length).sort()).toEqual([0, 0, 2, 2]);
    const { rows } = await db.pool.query(
      "SELECT table_schema FROM information_schema.columns WHERE table_name = 'things' AND column_name = 'name' ORDER BY 1",
    );
    expect(rows.map((r) => r.table_schema)).toEqual(['svc_a', 'svc_b']);
    expect(await migrate({ databaseUrl: db.url, schema: 'svc_a', dir })).toEqual([]);
  });

  it('fails with PG_MIGRATION_FAILED naming the schema when a migration is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'restock-migrations-'));
    writeFileSync(join(dir, '0001_broken.sql'), '-- Up Migration\nCREATE TABLE (;\n');
    await expect(migrate({ databaseUrl: db.url, schema: 'svc_c', dir })).rejects.toMatchObject({
      code: 'PG_MIGRATION_FAILED',
      message: expect.stringContaining('svc_c'),
    });
  });
});
