import { invalidField } from '../domain/catalog-error.js';

/**
 * The revision an If-Match header names: the model's ETag (`"3"`, also accepted weak or unquoted).
 * Undefined when absent or `*`, which any existing model matches.
 */
export function expectedRevision(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^(?:W\/)?"?([1-9][0-9]{0,9})"?$/.exec(value);
  if (match?.[1] === undefined) {
    throw invalidField('/headers/if-match', 'must be the ETag of a model revision, like "3"');
  }
  return Number(match[1]);
}

/** The ETag of a model revision. */
export function revisionTag(revision: number): string {
  return `"${revision}"`;
}
