/**
 * Offline validation of rendered Kubernetes objects against the official
 * Kubernetes v1.28 OpenAPI schema, in STRICT mode (unknown fields rejected).
 *
 * Schema source: `k8s-1.28-definitions.json` beside this file is a verbatim
 * copy of the Kubernetes v1.28 OpenAPI (swagger) `definitions`, in JSON-schema
 * form, each resource tagged with `x-kubernetes-group-version-kind`
 * (upstream: kubernetes/kubernetes api/openapi-spec/swagger.json at v1.28,
 * Apache-2.0; copied from the project's shared/schemas/k8s-1.28-definitions.json,
 * sha256 26005b7e779ea2fcbd87e4f23d76dc565eef8381c2287e149c676c03d48b0df6).
 * It is vendored because no maintained npm package ships the 1.28 definitions
 * in a form that can be validated strictly and offline (kubernetes-models 5.x is
 * ESM-only/Node>=22 with precompiled validators that accept unknown fields and
 * target a newer Kubernetes; 4.x targets 1.27.1 and also accepts unknown fields).
 *
 * Validation is done with ajv (devDependency). On load the definitions are
 * transformed once:
 *  - every object schema that declares `properties` and no `additionalProperties`
 *    gets `additionalProperties: false` (unknown fields are errors);
 *    free-form maps (labels, annotations, ConfigMap data, ... which carry
 *    `additionalProperties: {...}`), property-less objects (RawExtension,
 *    FieldsV1, JSON) and `x-kubernetes-preserve-unknown-fields` schemas stay open;
 *  - IntOrString becomes "int32 integer or string" (targetPort: 'http', maxSurge: '25%');
 *  - Quantity becomes "number, or string in Kubernetes quantity syntax"
 *    ('500m', '128Mi', 1; 'abc' is rejected);
 *  - formats int32 / int64 / double / byte (base64) / date-time are checked.
 * Validators are compiled lazily, once per apiVersion+kind, and cached.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

export const KUBERNETES_SCHEMA_VERSION = '1.28';

const DEFINITIONS_FILE = path.join(__dirname, 'k8s-1.28-definitions.json');
const SCHEMA_ID = 'k8s-1.28';

type JsonSchema = Record<string, any>;

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

interface Registry {
  ajv: Ajv;
  /** "apiVersion kind" -> definition name */
  byGvk: Map<string, string>;
  /** API groups served by Kubernetes itself ('' is the core group) */
  builtinGroups: Set<string>;
  validators: Map<string, ValidateFunction>;
}

// Same grammar as k8s.io/apimachinery/pkg/api/resource ParseQuantity:
// <signedNumber><suffix>, suffix = binarySI | decimalSI | decimalExponent.
const QUANTITY_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** Keywords that only document the schema; dropped to keep compiled code small. */
const DROPPED_KEYS = new Set(['description']);

function strictify(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') {
      // keys of `properties` are field names, not keywords: keep them all
      const props: JsonSchema = {};
      for (const [name, sub] of Object.entries(value as JsonSchema)) props[name] = strictify(sub);
      out.properties = props;
    } else if (key === 'enum' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = strictify(value);
    }
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !open) {
    out.additionalProperties = false;
  }
  return out;
}

function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

let registry: Registry | undefined;

function load(): Registry {
  if (registry) return registry;
  const raw = JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')) as { definitions: Record<string, JsonSchema> };
  const byGvk = new Map<string, string>();
  const builtinGroups = new Set<string>();
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(raw.definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) {
      builtinGroups.add(gvk.group);
      const key = `${apiVersionOf(gvk)} ${gvk.kind}`;
      if (!byGvk.has(key)) byGvk.set(key, name);
    }
    definitions[name] = strictify(def);
  }
  definitions[INT_OR_STRING] = { type: ['integer', 'string'], minimum: INT32_MIN, maximum: INT32_MAX };
  definitions[QUANTITY] = { type: ['number', 'string'], format: 'quantity' };

  const ajv = new Ajv({
    allErrors: true,
    verbose: true, // keeps the offending value on each error (err.data)
    strict: true,
    strictTypes: false,
    allowUnionTypes: true,
    validateSchema: false, // trusted, generated input; saves start-up time
    addUsedSchema: false,
  });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => BASE64_RE.test(s) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME_RE.test(s) });
  ajv.addFormat('quantity', { type: 'string', validate: (s: string) => QUANTITY_RE.test(s) });
  ajv.addSchema({ $id: SCHEMA_ID, definitions }, SCHEMA_ID);

  registry = { ajv, byGvk, builtinGroups, validators: new Map() };
  return registry;
}

function gvkKey(obj: any): string | undefined {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  return `${obj.apiVersion} ${obj.kind}`;
}

/** True when the object's apiVersion+kind is a Kubernetes 1.28 built-in type this module has a schema for. */
export function isKnownKind(obj: any): boolean {
  const key = gvkKey(obj);
  return key !== undefined && load().byGvk.has(key);
}

/**
 * True for objects whose API group is not served by Kubernetes itself, i.e.
 * custom resources (monitoring.coreos.com, gateway.networking.k8s.io, ...).
 * An unknown kind in a built-in group (a typo, a removed apiVersion such as
 * extensions/v1beta1) is NOT a custom resource.
 */
export function isCustomResource(obj: any): boolean {
  const key = gvkKey(obj);
  if (key === undefined || load().byGvk.has(key)) return false;
  return !load().builtinGroups.has(groupOf(obj.apiVersion));
}

function validatorFor(key: string): ValidateFunction | undefined {
  const reg = load();
  let validate = reg.validators.get(key);
  if (!validate) {
    const name = reg.byGvk.get(key);
    if (!name) return undefined;
    validate = reg.ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${name}` });
    reg.validators.set(key, validate);
  }
  return validate;
}

const IDENTIFIER_RE = /^[A-Za-z_$][\w$]*$/;

/** JSON pointer ("/spec/containers/0/name") -> "spec.containers[0].name". */
function renderPath(pointer: string, extra?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  let out = '';
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (IDENTIFIER_RE.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const FORMAT_HINTS: Record<string, string> = {
  quantity: 'a Kubernetes quantity (e.g. "500m", "128Mi", 1)',
  int32: 'a 32-bit integer',
  int64: 'a 64-bit integer',
  double: 'a finite number',
  byte: 'base64-encoded data',
  'date-time': 'an RFC 3339 date-time',
};

function describe(err: ErrorObject): string {
  const where = renderPath(err.instancePath);
  switch (err.keyword) {
    case 'additionalProperties':
      return `${renderPath(err.instancePath, String(err.params.additionalProperty))}: unknown field`;
    case 'required':
      return `${renderPath(err.instancePath, String(err.params.missingProperty))}: required field is missing`;
    case 'type':
      return `${where}: must be ${String(err.params.type).replace(',', ' or ')} (got ${show(err.data)})`;
    case 'enum':
      return `${where}: must be one of ${(err.params.allowedValues as unknown[]).map(show).join(', ')} (got ${show(err.data)})`;
    case 'format':
      return `${where}: must be ${FORMAT_HINTS[err.params.format] ?? `format "${err.params.format}"`} (got ${show(err.data)})`;
    case 'minimum':
    case 'maximum':
      return `${where}: ${err.message} (got ${show(err.data)})`;
    default:
      return `${where}: ${err.message ?? err.keyword}`;
  }
}

/**
 * Validate one Kubernetes object against the Kubernetes 1.28 OpenAPI schema
 * (strict: unknown fields are errors). Returns human-readable errors, each
 * prefixed with the field path; an empty array means valid. Objects whose
 * apiVersion+kind has no 1.28 schema (custom resources, typos, removed API
 * versions) yield a single "unknown kind" error.
 */
export function validateManifest(obj: any): string[] {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    return [`(root): must be an object (got ${show(obj)})`];
  }
  const problems: string[] = [];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') problems.push('apiVersion: required string field is missing');
  if (typeof obj.kind !== 'string' || obj.kind === '') problems.push('kind: required string field is missing');
  if (problems.length) return problems;

  const key = `${obj.apiVersion} ${obj.kind}`;
  const validate = validatorFor(key);
  if (!validate) {
    return [`unknown kind: apiVersion "${obj.apiVersion}", kind "${obj.kind}" has no Kubernetes ${KUBERNETES_SCHEMA_VERSION} schema`];
  }
  if (validate(obj)) return [];
  const errors = validate.errors ?? [];
  // a value of the wrong type also fails its format check: report the type only
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const err of errors) {
    if (err.keyword === 'format' && wrongType.has(err.instancePath)) continue;
    const line = describe(err);
    if (!seen.has(line)) {
      seen.add(line);
      problems.push(line);
    }
  }
  return problems;
}

export interface ExpectValidManifestsOptions {
  /**
   * Skip objects of unknown kinds whose API group is not a Kubernetes built-in
   * group (custom resources such as ServiceMonitor, HTTPRoute, ExternalSecret).
   * Unknown kinds in built-in groups are still reported. Default: false.
   */
  skipCustomResources?: boolean;
}

function label(obj: any, index: number): string {
  const kind = obj && typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = obj?.metadata?.name;
  return `${kind}/${typeof name === 'string' && name ? name : `<unnamed #${index}>`}`;
}

/**
 * Validate every object; throws ONE Error listing each invalid object as
 * `kind/name` followed by its errors. Does nothing when all are valid.
 */
export function expectValidManifests(objs: any[], options: ExpectValidManifestsOptions = {}): void {
  if (!Array.isArray(objs)) throw new Error(`expectValidManifests: expected an array of objects, got ${show(objs)}`);
  const failures: string[] = [];
  objs.forEach((obj, index) => {
    if (options.skipCustomResources && isCustomResource(obj)) return;
    const errors = validateManifest(obj);
    if (errors.length) failures.push(`${label(obj, index)}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  });
  if (failures.length) {
    throw new Error(
      `${failures.length} of ${objs.length} manifest(s) failed Kubernetes ${KUBERNETES_SCHEMA_VERSION} schema validation:\n\n${failures.join('\n\n')}`,
    );
  }
}
