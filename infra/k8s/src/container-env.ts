import type { ConfigMap, Container, K8sObject } from './k8s-types.js';
import { objectsOfKind } from './k8s-types.js';
import { SECRETS } from './secrets.js';

/** A container's environment as the kubelet would build it, with sample values for Secret keys. */
export interface ResolvedEnv {
  env: Record<string, string>;
  /** Every Secret key it references. */
  secretRefs: { name: string; key: string }[];
  problems: string[];
}

/**
 * Builds a container's environment from its envFrom and env: ConfigMaps from the rendered objects,
 * Secrets from the documented samples, and `$(VAR)` expanded against the variables defined before it,
 * as Kubernetes does. A reference to a ConfigMap, key or Secret key that does not exist is a problem.
 */
export function resolveContainerEnv(container: Container, objects: readonly K8sObject[]): ResolvedEnv {
  const configMaps = new Map(objectsOfKind<ConfigMap>(objects, 'ConfigMap').map((cm) => [cm.metadata.name, cm]));
  const env: Record<string, string> = {};
  const secretRefs: { name: string; key: string }[] = [];
  const problems: string[] = [];

  for (const source of container.envFrom ?? []) {
    if (source.configMapRef !== undefined) {
      const configMap = configMaps.get(source.configMapRef.name);
      if (configMap === undefined) {
        if (source.configMapRef.optional !== true)
          problems.push(`envFrom ConfigMap ${source.configMapRef.name} is not rendered`);
        continue;
      }
      Object.assign(env, configMap.data ?? {});
    }
    if (source.secretRef !== undefined) {
      problems.push(`envFrom Secret ${source.secretRef.name}: name each key with secretKeyRef so it can be checked`);
    }
  }

  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value.replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (whole, name: string) => env[name] ?? whole,
      );
      continue;
    }
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    if (configMapRef !== undefined) {
      const value = configMaps.get(configMapRef.name)?.data?.[configMapRef.key];
      if (value === undefined) {
        if (configMapRef.optional !== true)
          problems.push(`${variable.name}: ConfigMap key ${configMapRef.name}/${configMapRef.key} is not rendered`);
      } else {
        env[variable.name] = value;
      }
      continue;
    }
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef !== undefined) {
      secretRefs.push({ name: secretRef.name, key: secretRef.key });
      const documented = SECRETS[secretRef.name]?.[secretRef.key];
      if (documented === undefined) {
        problems.push(
          `${variable.name}: Secret key ${secretRef.name}/${secretRef.key} is not documented in src/secrets.ts`,
        );
      } else {
        env[variable.name] = documented.sample;
      }
      continue;
    }
    if (variable.valueFrom?.fieldRef !== undefined) {
      env[variable.name] = `field:${variable.valueFrom.fieldRef.fieldPath}`;
      continue;
    }
    problems.push(`${variable.name} has neither a value nor a supported valueFrom`);
  }
  return { env, secretRefs, problems };
}
