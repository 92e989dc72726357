/**
 * Local bootstrap, run by `infra.sh up` after the servers answer: creates every topic of the catalogue
 * (with its DLQ) and applies every service's migrations (the bus tables, then the service's own) in
 * the service's schema. Idempotent: running it again changes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerList, CommonConfig, loadConfig } from '@restock/config';
import { allTopicSpecs } from '@restock/events';
import { busMigrationsDir, clusterId, createKafka, ensureTopics, migrateServiceSchema } from '@restock/kafka';
import { createPool, migrate, quoteIdent } from '@restock/postgres';
import { Type } from '@sinclair/typebox';

const config = loadConfig(
  Type.Object({ KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS, DATABASE_URL: CommonConfig.DATABASE_URL }),
);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const say = (message: string) => process.stdout.write(`[bootstrap] ${message}\n`);
const log = {
  debug() {},
  info() {},
  warn: (o: object, m?: string) => say(`${m ?? ''} ${JSON.stringify(o)}`),
  error: (o: object, m?: string) => say(`${m ?? ''} ${JSON.stringify(o)}`),
};

/** Services that own a schema declare it in package.json: `"restock": { "schema": "ingest" }`. */
export function serviceSchemas(): { name: string; schema: string; migrations: string | undefined }[] {
  const dir = join(root, 'services');
  if (!existsSync(dir)) return [];
  const found: { name: string; schema: string; migrations: string | undefined }[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const pkgPath = join(dir, entry, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { restock?: { schema?: string } };
    const schema = pkg.restock?.schema;
    if (!schema) continue;
    const migrations = join(dir, entry, 'src', 'store', 'migrations');
    found.push({ name: entry, schema, migrations: existsSync(migrations) ? migrations : undefined });
  }
  return found;
}

const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: 'restock-bootstrap', log });
const specs = allTopicSpecs();
const { created, updated } = await ensureTopics(kafka, specs, { log });
say(`topics: ${specs.length} declared, ${created.length} created, ${updated.length} grown`);

// The log is the truth: tables and stored offsets built from another Kafka cluster (a local broker
// whose data folder was reset, or another checkout's broker) describe a log that is gone, and their
// offsets would make consumers skip the new log's first records. Locally, start them over.
const pool = createPool({ connectionString: config.DATABASE_URL, max: 1 });
try {
  const cluster = await clusterId(kafka);
  await pool.query('CREATE TABLE IF NOT EXISTS public.restock_local_cluster (cluster_id text NOT NULL)');
  const known = (await pool.query<{ cluster_id: string }>('SELECT cluster_id FROM public.restock_local_cluster'))
    .rows[0];
  if (known && known.cluster_id !== cluster) {
    say(
      `the database was built from Kafka cluster ${known.cluster_id}, the broker is ${cluster}: resetting service schemas`,
    );
    for (const service of serviceSchemas())
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(service.schema)} CASCADE`);
  }
  await pool.query('DELETE FROM public.restock_local_cluster');
  await pool.query('INSERT INTO public.restock_local_cluster (cluster_id) VALUES ($1)', [cluster]);
} finally {
  await pool.end();
}

for (const service of serviceSchemas()) {
  const applied = service.migrations
    ? await migrateServiceSchema({ databaseUrl: config.DATABASE_URL, schema: service.schema, dir: service.migrations })
    : await migrate({
        databaseUrl: config.DATABASE_URL,
        schema: service.schema,
        dir: busMigrationsDir,
        ledger: 'pgmigrations_bus',
      });
  say(`schema ${service.schema} (${service.name}): ${applied.length} migration(s) applied`);
}
