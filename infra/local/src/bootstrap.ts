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
import { busMigrationsDir, createKafka, ensureTopics } from '@restock/kafka';
import { migrate } from '@restock/postgres';
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

for (const service of serviceSchemas()) {
  const bus = await migrate({
    databaseUrl: config.DATABASE_URL,
    schema: service.schema,
    dir: busMigrationsDir,
    ledger: 'pgmigrations_bus',
  });
  const own = service.migrations
    ? await migrate({ databaseUrl: config.DATABASE_URL, schema: service.schema, dir: service.migrations })
    : [];
  say(`schema ${service.schema} (${service.name}): ${bus.length + own.length} migration(s) applied`);
}
