import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KindGuard, type TObject } from '@sinclair/typebox';

/** What the manifests must agree with, read from a service's folder. */
export interface ServiceFacts {
  folder: string;
  packageName: string;
  /** package.json `restock.port`: the port the service listens on (HTTP door or health and metrics). */
  port: number;
  /** The TypeBox object schemas exported by src/config.ts (the service's environment). */
  configSchemas: TObject[];
  /** Functions exported by src/config.ts that load or parse an environment (`loadIngestEnv`, `parseBridgeConfig`). */
  configLoaders: { name: string; load: (env: Record<string, string | undefined>) => unknown }[];
  /**
   * The health routes it serves: those of @restock/http's `registerHealthRoutes` when it calls it, and
   * any `/health/...` route it mounts itself.
   */
  healthPaths: string[];
  /** The path of its Prometheus route, when it mounts one. */
  metricsPath: string | undefined;
}

interface RestockPackageJson {
  name?: string;
  restock?: { port?: number };
}

/** The folders under services/ that hold a package.json. */
export function serviceFolders(repoRoot: string): string[] {
  const directory = join(repoRoot, 'services');
  return readdirSync(directory)
    .filter((entry) => existsSync(join(directory, entry, 'package.json')))
    .sort();
}

/** Reads a service's package.json, config module and source. Throws when a fact cannot be read. */
export async function readServiceFacts(repoRoot: string, folder: string): Promise<ServiceFacts> {
  const directory = join(repoRoot, 'services', folder);
  const pkg = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as RestockPackageJson;
  const port = pkg.restock?.port;
  if (typeof port !== 'number') throw new Error(`services/${folder}/package.json has no "restock": { "port" }`);

  const configFile = join(directory, 'src', 'config.ts');
  if (!existsSync(configFile)) throw new Error(`services/${folder}/src/config.ts does not exist`);
  const configModule = (await import(pathToFileURL(configFile).href)) as Record<string, unknown>;
  const configSchemas = Object.values(configModule).filter((value): value is TObject => KindGuard.IsObject(value));
  if (configSchemas.length === 0) throw new Error(`services/${folder}/src/config.ts exports no TypeBox object schema`);
  const configLoaders = Object.entries(configModule)
    .filter(([name, value]) => typeof value === 'function' && /^(load|parse)[A-Z]/.test(name))
    .map(([name, value]) => ({ name, load: value as (env: Record<string, string | undefined>) => unknown }));

  const source = sourceFiles(join(directory, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const ownHealthPaths = [...source.matchAll(/\.(?:get|head)\(\s*'(\/health\/[^']*)'/g)].map((match) => match[1] ?? '');
  const sharedHealthPaths = /registerHealthRoutes\(/.test(source) ? healthRoutePaths(repoRoot) : [];
  const metricsCall = /registerMetricsRoute\(\s*\w+\s*(?:,\s*'([^']+)'\s*)?\)/.exec(source);
  return {
    folder,
    packageName: pkg.name ?? folder,
    port,
    configSchemas,
    configLoaders,
    healthPaths: [...new Set([...sharedHealthPaths, ...ownHealthPaths])].sort(),
    metricsPath: metricsCall === null ? undefined : (metricsCall[1] ?? '/metrics'),
  };
}

/** The service's own TypeScript, tests and test support left out. */
function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'test-support' && entry !== 'node_modules') files.push(...sourceFiles(path));
    } else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** The probe paths `registerHealthRoutes` mounts, read from packages/http. */
export function healthRoutePaths(repoRoot: string): string[] {
  const source = readFileSync(join(repoRoot, 'packages', 'http', 'src', 'health-routes.ts'), 'utf8');
  const paths = [...source.matchAll(/app\.get\(\s*'(\/health\/[^']+)'/g)].map((match) => match[1] ?? '');
  if (paths.length === 0) throw new Error('no health route found in packages/http/src/health-routes.ts');
  return paths;
}

/** closeOnSignals' default drain budget in ms, read from packages/http. */
export function defaultDrainMs(repoRoot: string): number {
  const source = readFileSync(join(repoRoot, 'packages', 'http', 'src', 'close-on-signals.ts'), 'utf8');
  const match = /const DEFAULT_TIMEOUT_MS = ([\d_]+);/.exec(source);
  if (match?.[1] === undefined)
    throw new Error('DEFAULT_TIMEOUT_MS not found in packages/http/src/close-on-signals.ts');
  return Number(match[1].replaceAll('_', ''));
}

/** The environment variables a schema requires: not optional and without a default. */
export function requiredVariables(schema: TObject): string[] {
  return (schema.required ?? []).filter((key) => {
    const property = schema.properties[key];
    return property !== undefined && !('default' in property);
  });
}
