import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s-types.js';

/**
 * Renders a kustomization with the real kustomize built into kubectl (`kubectl kustomize`, no cluster
 * needed) and returns its objects. Throws with kustomize's own message when the build fails.
 */
export function renderKustomization(directory: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string | Buffer }).stderr?.toString().trim();
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'kubectl is not on PATH: install it (Debian: apt-get install kubectl) to render the overlays'
        : `kubectl kustomize ${directory} failed: ${stderr || String(error)}`,
      { cause: error },
    );
  }
  return parseManifests(output);
}

/** Parses a multi-document YAML stream of Kubernetes objects; empty documents are skipped. */
export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new Error(`invalid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('a YAML document is not an object');
    objects.push(value as K8sObject);
  }
  return objects;
}

/** `Kind/name` of an object, for messages. */
export function describeObject(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? '(no name)'}`;
}
