import * as crypto from 'node:crypto';

/** Namespace of all peak-to-sigma rule ids (a fixed random UUID; changing it would churn every rule id). */
export const RULE_ID_NAMESPACE = '6f1c2d1e-3b7a-4c55-9a3e-0d5b8f2a7c41';

/** RFC 4122 UUID version 5 (SHA-1, name-based): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string = RULE_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`invalid namespace UUID: ${namespace}`);
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Hex SHA-256 of text: content hashes in the manifest and the enrichment cache. Node's one-shot
 * `crypto.hash` (20.12+) gives the same digest at a fraction of the cost per small file.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
