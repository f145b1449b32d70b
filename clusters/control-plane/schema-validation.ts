/**
 * Validates custom resources against their CRD version's openAPIV3Schema, the structural subset
 * the apiserver enforces: type, properties, required, items, additionalProperties (maps), enum,
 * minimum/maximum (and exclusive), minLength/maxLength, pattern, minItems/maxItems, nullable,
 * x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields, and `default` (applied when a
 * field is absent, as the apiserver defaults on write).
 *
 * Unknown fields: a field no schema declares is REJECTED (422, "unknown field") unless the
 * enclosing schema has x-kubernetes-preserve-unknown-fields: true. This is the apiserver's
 * `fieldValidation=Strict`; `fieldValidation=Ignore` or `Warn` prunes them instead, as the
 * apiserver does by default. Metadata is not checked against the schema (the apiserver checks it itself).
 */
import type { StatusCause } from './status-errors.ts';

export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [key: string]: unknown;
}

export type UnknownFieldPolicy = 'reject' | 'prune';

/** Fields every object has whether or not the schema names them. */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Checks `obj` (mutated: defaults applied, unknown fields pruned under 'prune') and returns every
 * problem as a Status cause with its field path; an empty array means valid.
 */
export function validateAgainstSchema(obj: Record<string, unknown>, schema: JsonSchema, unknownFields: UnknownFieldPolicy): StatusCause[] {
  const causes: StatusCause[] = [];
  const rootSchema: JsonSchema = { ...schema, properties: { ...schema.properties } };
  delete rootSchema.properties!.metadata;
  for (const f of ROOT_FIELDS) rootSchema.properties![f] ??= { 'x-kubernetes-preserve-unknown-fields': true };
  rootSchema.properties!.metadata = { 'x-kubernetes-preserve-unknown-fields': true };
  check(obj, rootSchema, '', causes, unknownFields);
  return causes;
}

function check(value: unknown, schema: JsonSchema, path: string, causes: StatusCause[], policy: UnknownFieldPolicy): void {
  const at = path === '' ? '<root>' : path;
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) causes.push({ reason: 'FieldValueRequired', field: at, message: 'Required value: must not be null' });
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) causes.push(typeCause(at, value, 'integer or string'));
    return;
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({ reason: 'FieldValueNotSupported', field: at, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
    return;
  }
  switch (schema.type) {
    case 'object': return checkObject(value, schema, path, causes, policy);
    case 'array':
      if (!Array.isArray(value)) return void causes.push(typeCause(at, value, 'array'));
      if (schema.minItems !== undefined && value.length < schema.minItems) causes.push({ field: at, message: `Invalid value: ${value.length}: must have at least ${schema.minItems} items` });
      if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push({ reason: 'FieldValueTooMany', field: at, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
      if (schema.items) value.forEach((item, i) => check(item, schema.items!, `${path}[${i}]`, causes, policy));
      return;
    case 'string':
      if (typeof value !== 'string') return void causes.push(typeCause(at, value, 'string'));
      if (schema.minLength !== undefined && value.length < schema.minLength) causes.push({ field: at, message: `Invalid value: ${JSON.stringify(value)}: should be at least ${schema.minLength} chars long` });
      if (schema.maxLength !== undefined && value.length > schema.maxLength) causes.push({ reason: 'FieldValueTooLong', field: at, message: `Too long: may not be more than ${schema.maxLength} bytes` });
      if (schema.pattern !== undefined && !safeRegExp(schema.pattern).test(value)) causes.push({ field: at, message: `Invalid value: ${JSON.stringify(value.slice(0, 64))}: should match '${schema.pattern}'` });
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return void causes.push(typeCause(at, value, schema.type));
      if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
        causes.push({ field: at, message: `Invalid value: ${value}: should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}` });
      }
      if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
        causes.push({ field: at, message: `Invalid value: ${value}: should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}` });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') causes.push(typeCause(at, value, 'boolean'));
      return;
    default:
      if (typeof value === 'object' && !Array.isArray(value) && (schema.properties || schema.additionalProperties)) checkObject(value, schema, path, causes, policy);
  }
}

function checkObject(value: unknown, schema: JsonSchema, path: string, causes: StatusCause[], policy: UnknownFieldPolicy): void {
  const at = path === '' ? '<root>' : path;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void causes.push(typeCause(at, value, 'object'));
  const obj = value as Record<string, unknown>;
  const props = schema.properties ?? {};
  for (const [name, sub] of Object.entries(props)) {
    if (!Object.hasOwn(obj, name) && sub.default !== undefined) obj[name] = structuredClone(sub.default);
  }
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(obj, name)) causes.push({ reason: 'FieldValueRequired', field: join(path, name), message: 'Required value' });
  }
  for (const [name, v] of Object.entries(obj)) {
    const sub = props[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub !== undefined) check(v, sub, join(path, name), causes, policy);
    else if (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields']) continue;
    else if (policy === 'prune') delete obj[name];
    else causes.push({ reason: 'FieldValueInvalid', field: join(path, name), message: 'unknown field' });
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function typeCause(field: string, value: unknown, expected: string): StatusCause {
  const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return { reason: 'FieldValueTypeInvalid', field, message: `Invalid value: "${got}": ${field} in body must be of type ${expected}: "${got}"` };
}

const regexCache = new Map<string, RegExp>();

/** The schema's pattern, unanchored as in OpenAPI (ECMA 262 dialect); an invalid pattern matches nothing. */
function safeRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try { re = new RegExp(pattern, 'u'); } catch { re = /(?!)/; }
    regexCache.set(pattern, re);
  }
  return re;
}
