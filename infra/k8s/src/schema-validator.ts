import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { K8sObject } from './k8s-types.js';
import { describeObject } from './render-overlay.js';

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;
type AddFormats = (ajv: Ajv) => Ajv;

// ajv-formats is CommonJS (`module.exports = plugin`, `exports.default = plugin`); under NodeNext the
// default import types as the module object, so the plugin is taken from wherever it is.
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats)) as AddFormats;

/** The core schemas' Kubernetes version (folder `kubernetes-v<version>` of the schema directory). */
export const KUBERNETES_SCHEMA_VERSION = '1.31.6';

/**
 * Go's RE2 accepts an inline `(?i)` flag group (the PrometheusRule CRD uses one); JavaScript does not,
 * so it becomes the `i` flag. Every other pattern is compiled as written.
 */
const kubernetesRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)') ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);

/** One object's schema problems; empty when it is valid. */
export interface ObjectProblems {
  object: string;
  schema: string | undefined;
  problems: string[];
}

/**
 * Validates Kubernetes objects offline against JSON Schemas laid out as kubeconform expects them:
 * CRDs as `<group>/<kind>_<version>.json`, core objects as
 * `kubernetes-v<version>/<kind>[-<group's first label>]-<version>.json`. An object whose schema is
 * missing is a problem, never skipped.
 */
export function createManifestValidator(schemaDirectory: string) {
  // strict: false because the Kubernetes schemas carry x-kubernetes-* keywords ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { regExp: kubernetesRegExp } });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();

  function schemaPathOf(object: K8sObject): string {
    const [group, version] = object.apiVersion?.includes('/')
      ? (object.apiVersion.split('/') as [string, string])
      : ['', object.apiVersion ?? ''];
    const kind = (object.kind ?? '').toLowerCase();
    const builtIn = group === '' || !group.includes('.') || group.endsWith('.k8s.io');
    if (!builtIn) return join(group, `${kind}_${version}.json`);
    const groupPart = group === '' ? '' : `-${group.split('.')[0]}`;
    return join(`kubernetes-v${KUBERNETES_SCHEMA_VERSION}`, `${kind}${groupPart}-${version}.json`);
  }

  function validatorFor(relativePath: string): ValidateFunction | undefined {
    const cached = compiled.get(relativePath);
    if (cached !== undefined) return cached;
    const file = join(schemaDirectory, relativePath);
    if (!existsSync(file)) return undefined;
    const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    compiled.set(relativePath, validate);
    return validate;
  }

  return {
    /** The schema file (relative to the schema directory) an object is checked against. */
    schemaPathOf,
    validate(object: K8sObject): ObjectProblems {
      const name = describeObject(object);
      if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
        return { object: name, schema: undefined, problems: ['apiVersion and kind must be strings'] };
      }
      const schema = schemaPathOf(object);
      const validate = validatorFor(schema);
      if (validate === undefined) {
        return {
          object: name,
          schema,
          problems: [`no JSON Schema for ${object.apiVersion} ${object.kind} (${schema})`],
        };
      }
      const problems = validate(object) ? [] : (validate.errors ?? []).map(formatError);
      return { object: name, schema, problems };
    },
  };
}

export type ManifestValidator = ReturnType<typeof createManifestValidator>;

function formatError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  const detail =
    error.keyword === 'additionalProperties'
      ? ` (${String(params['additionalProperty'])})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify(params['allowedValues'])})`
        : '';
  return `${where} ${error.message ?? error.keyword}${detail}`;
}
