import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { CONFIG_KEY_ALLOWED, configKeyProblem } from './config-keys';
import { fail } from './errors';
import { isValidName, NameRule, suggestName } from './names';
import { checkSecretNamespace, ISecretSource, isSecretSource, useSecretSource } from './secret-source';
import { argOr, checkProps, closest, literal, Spec, typeName, v } from './validation';

const OBJECT_NAME = v.string({
  allowed: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
  check: (s) => {
    if (isValidName(s, NameRule.DNS_1123_SUBDOMAIN)) return undefined;
    const near = suggestName(s, NameRule.DNS_1123_SUBDOMAIN);
    return { message: 'is not a valid object name', fix: near !== undefined ? `write '${near}'` : "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. 'app-secrets'" };
  },
});
const DATA_KEY = v.string({ allowed: CONFIG_KEY_ALLOWED, check: (s) => configKeyProblem(s, 'is not a valid key') });

/**
 * A Secret given by name or by the construct that creates it (an `ExternalSecret`): `envFromSecrets`
 * items and `EnvValue.fromSecret`'s first argument.
 */
export const SECRET_REF: Spec<string | ISecretSource> = v.union(
  OBJECT_NAME,
  v.custom<ISecretSource>(
    'an ExternalSecret',
    (x) => (isSecretSource(x) ? undefined : { message: `must be an ExternalSecret, but is ${typeName(x)}` }),
    () => [],
  ),
  'the name of a Secret, or an ExternalSecret',
  (x) => (typeof x === 'object' && x !== null
    ? "declare the app's Secret with new ExternalSecret(chart, 'app-secrets', { store: 'vault', data: { SECRET_KEY_BASE: { remoteKey: 'app/prod', property: 'secret_key_base' } } }) and pass it, "
      + 'or pass the name of an existing Secret (StoreCredentials are the credentials of a StatefulStore)'
    : "write the Secret's name as a string, e.g. 'app-secrets'"),
);

const REF_OPTIONS = v.object<{ optional?: boolean }>()({ optional: v.boolean() }, { what: 'option' });
const SECRET_ARGS = v.object<{ secretName: string | ISecretSource; key: string; opts?: { optional?: boolean } }>()({
  secretName: v.required(SECRET_REF), key: v.required(DATA_KEY), opts: REF_OPTIONS,
}, {
  call: (a) => `EnvValue.fromSecret(${isSecretSource(a.secretName) ? a.secretName.node.id : argOr(a.secretName, "'db-credentials'")}, ${argOr(a.key, "'password'")})`,
  check: (a, r) => {
    // An ExternalSecret with `data` only holds the keys it declares: another is empty in the pod.
    const keys = isSecretSource(a.secretName) ? a.secretName.secretKeys : undefined;
    if (keys === undefined || keys.includes(a.key)) return;
    const source = a.secretName as ISecretSource;
    r.issue('key', {
      message: `is not a key of the Secret '${source.secretName}' that '${source.node.path}' declares`, value: a.key,
      allowed: keys.length ? keys.map((k) => literal(k)).join(', ') : 'none: it declares no keys',
      fix: `use one of its keys, or add ${literal(a.key)} to its data: { ${/^[A-Za-z_$][\w$]*$/.test(a.key) ? a.key : literal(a.key)}: { remoteKey: '…', property: '…' } }`,
    });
  },
});
const CONFIG_MAP_ARGS = v.object<{ configMapName: string; key: string; opts?: { optional?: boolean } }>()({
  configMapName: v.required(OBJECT_NAME), key: v.required(DATA_KEY), opts: REF_OPTIONS,
}, { call: (a) => `EnvValue.fromConfigMap(${argOr(a.configMapName, "'shop-settings'")}, ${argOr(a.key, "'LOG_LEVEL'")})` });
const VALUE_ARGS = v.object<{ value: string }>()({ value: v.required(v.string()) }, { call: () => "EnvValue.value('info')" });
/** The pod fields an env var can read (the downward API's `fieldRef`; `metadata.labels['k']` and `metadata.annotations['k']` besides). */
const POD_FIELDS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const FIELD_ARGS = v.object<{ fieldPath: string }>()({
  fieldPath: v.required(v.string({
    allowed: `${POD_FIELDS.map((f) => `'${f}'`).join(', ')}, or a label or annotation by its key: metadata.labels['<key>'], metadata.annotations['<key>']`,
    check: (s) => {
      if (POD_FIELDS.includes(s) || /^metadata\.(labels|annotations)\['[^']+'\]$/.test(s)) return undefined;
      const keyed = /^metadata\.(labels|annotations)(?:\.|\[["']?)([^'"\]]+)["']?\]?$/.exec(s);
      if (keyed) return { message: 'is not a pod field path: a label or annotation is read by its key in brackets', fix: `write "metadata.${keyed[1]}['${keyed[2]}']"` };
      if (s === 'metadata.labels' || s === 'metadata.annotations') return { message: 'is the whole map, which an env var cannot hold (a downwardAPI volume can)', fix: `name one key: "${s}['app.kubernetes.io/name']"` };
      const near = closest(s, POD_FIELDS);
      return { message: 'is not a pod field an env var can read (the API server refuses the pod)', fix: near !== undefined ? `write '${near}'` : "e.g. 'metadata.name' or 'status.podIP'" };
    },
  })),
}, { call: () => "EnvValue.fromField('metadata.name')" });

/** Where an environment variable's value comes from. */
export class EnvValue {
  /** A literal value. */
  public static value(value: string): EnvValue {
    checkProps(VALUE_ARGS, { value }, 'EnvValue.value');
    return new EnvValue({ value });
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, opts: { optional?: boolean } = {}): EnvValue {
    checkProps(CONFIG_MAP_ARGS, { configMapName, key, opts }, 'EnvValue.fromConfigMap');
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: opts.optional } } });
  }

  /**
   * A key of a Secret; the value never appears in the manifests. Given an `ExternalSecret` (of the
   * same App) instead of a name, the key must be one it declares (any key with `dataFrom`), and the
   * workload that gets the variable depends on it (the Secret is applied before the pods).
   */
  public static fromSecret(secret: string | ISecretSource, key: string, opts: { optional?: boolean } = {}): EnvValue {
    checkProps(SECRET_ARGS, { secretName: secret, key, opts }, 'EnvValue.fromSecret');
    const name = isSecretSource(secret) ? secret.secretName : secret;
    return new EnvValue({ valueFrom: { secretKeyRef: { name, key, optional: opts.optional } } }, isSecretSource(secret) ? secret : undefined);
  }

  /** A field of the pod (`metadata.name`, `status.podIP`, `spec.nodeName`, ...). */
  public static fromField(fieldPath: string): EnvValue {
    checkProps(FIELD_ARGS, { fieldPath }, 'EnvValue.fromField');
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(
    private readonly source: Omit<k8s.EnvVar, 'name'>,
    /** The construct that creates the Secret this value reads, when it was given one (`fromSecret(appSecrets, key)`). */
    public readonly secretSource?: ISecretSource,
  ) {}

  /** True when the value is a literal. */
  public get isLiteral(): boolean {
    return this.source.value !== undefined;
  }

  /** Renders the variable. */
  public toEnvVar(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}

/** Environment variables: literals as strings, or EnvValue for references. */
export type EnvMap = Record<string, string | EnvValue>;

/** Env var names Kubernetes accepts (C identifiers, plus '-' and '.'), and not starting with a digit. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Validates an env var name. */
export function validateEnvName(name: string, scope?: IConstruct, prop = 'env'): string {
  if (!ENV_NAME.test(name)) {
    fail({
      scope, prop, message: 'has an invalid variable name', value: name,
      allowed: "letters, digits, '_', '-' and '.', not starting with a digit",
      fix: /^[0-9]/.test(name) ? `rename it, e.g. '_${name}' or 'VAR_${name}'` : 'use names like LOG_LEVEL',
    });
  }
  return name;
}

/**
 * An ordered set of env vars that refuses duplicates, so two sources (props, `addEnv`,
 * `connectTo`) can never silently shadow each other.
 */
export class EnvList {
  private readonly vars = new Map<string, k8s.EnvVar>();
  // Where each variable came from ('env', 'addEnv', 'connectTo(db)'), for the error of a repeat.
  private readonly sources = new Map<string, string>();

  constructor(private readonly scope: IConstruct, private readonly prop = 'env') {}

  private guard?: (source: string) => void;
  // Names that reach the container another way (a ConfigMap's keys through envFrom): where from.
  private readonly reserved = new Map<string, { readonly from: string; readonly what: 'ConfigMap' | 'Secret' }>();

  /** Runs `guard` before every later non-empty addition (a pod already rendered refuses them). */
  public guardWith(guard: (source: string) => void): void {
    this.guard = guard;
  }

  /**
   * Fails as `add` would (bad or repeated names, a guarded list), without adding anything.
   * `repeatFix` is the fix of a name already defined (e.g. how to rename a connection's variables).
   */
  public check(env: EnvMap | undefined, source = this.prop, repeatFix?: string | (() => string)): void {
    checkEnvMap(env, this.scope, source);
    const names = Object.keys(env ?? {});
    if (names.length) this.guard?.(source);
    const seen = new Set(this.vars.keys());
    for (const name of names) {
      validateEnvName(name, this.scope, source);
      const other = this.reserved.get(name);
      if (other !== undefined) {
        fail({
          scope: this.scope, prop: source, message: `defines the variable '${name}', which ${other.from} already defines through the ${other.what} (envFrom): this value would silently win`,
          value: name, allowed: 'each variable name once per container',
          fix: `define '${name}' in one place: remove it from '${source}' or from ${other.from}, or rename it`,
        });
      }
      if (seen.has(name)) {
        const first = this.sources.get(name);
        fail({
          scope: this.scope, prop: source, message: `defines the variable '${name}' twice${first !== undefined ? ` (first through '${first}')` : ''}`, value: name,
          allowed: 'each variable name once per container',
          fix: (typeof repeatFix === 'function' ? repeatFix() : repeatFix) ?? 'remove one of the definitions or rename it',
        });
      }
      seen.add(name);
      const value = env![name];
      if (value instanceof EnvValue && value.secretSource) checkSecretNamespace(this.scope, value.secretSource, envPath(source, name));
    }
  }

  /**
   * Refuses `names` from now on, and fails when one is already defined: they reach the container
   * from `from` through `what`'s envFrom (`'config'`'s ConfigMap, an ExternalSecret's Secret), which
   * an env var would shadow (Kubernetes gives `env` precedence).
   */
  public reserve(names: readonly string[], from: string, what: 'ConfigMap' | 'Secret' = 'ConfigMap'): void {
    for (const name of names) {
      if (this.vars.has(name)) {
        fail({
          scope: this.scope, prop: from, message: `defines the variable '${name}' through the ${what} (envFrom), which '${this.prop}' also defines: the '${this.prop}' value would silently win`,
          value: name, allowed: 'each variable name once per container',
          fix: `define '${name}' in one place: remove it from '${from}' or from '${this.prop}', or rename it`
            + (what === 'ConfigMap' ? ' (with configAs: ConfigExposure.FILES the config is files, not variables)' : ''),
        });
      }
    }
    for (const name of names) if (!this.reserved.has(name)) this.reserved.set(name, { from: `'${from}'`, what });
  }

  /**
   * Adds variables; a name already present is an error (with `repeatFix`, see `check`), and nothing
   * is added then. A variable that reads the Secret of an ExternalSecret makes the list's construct depend on it.
   */
  public add(env: EnvMap | undefined, source = this.prop, repeatFix?: string | (() => string)): void {
    this.check(env, source, repeatFix);
    for (const [name, v] of Object.entries(env ?? {})) {
      const value = typeof v === 'string' ? EnvValue.value(v) : v;
      if (value.secretSource) useSecretSource(this.scope, value.secretSource, envPath(source, name));
      this.vars.set(name, value.toEnvVar(name));
      this.sources.set(name, source);
    }
  }

  /** True when `name` may still be added: not defined yet, nor reaching the container through an envFrom. */
  public isFree(name: string): boolean {
    return !this.vars.has(name) && !this.reserved.has(name);
  }

  /** The names defined so far. */
  public get names(): string[] {
    return [...this.vars.keys()];
  }

  /** The names defined so far, by where each came from ('env', 'addEnv', 'connectTo(db)'), in the order given. */
  public get namesBySource(): ReadonlyMap<string, readonly string[]> {
    const by = new Map<string, string[]>();
    for (const [name, source] of this.sources) by.set(source, [...(by.get(source) ?? []), name]);
    return by;
  }

  /** Renders the list (undefined when empty, so the YAML stays short). */
  public render(): k8s.EnvVar[] | undefined {
    return this.vars.size ? [...this.vars.values()] : undefined;
  }
}

/**
 * Fails unless `env` is undefined or an object of strings and EnvValues: every caller of
 * `EnvList.add` (props, `addEnv`, `connectTo`, a custom workload's own) gets a TimonelError, not a
 * TypeError at render. Worded as the `env` prop's spec words it.
 */
/**
 * The fix of a function where an env value goes: the EnvValue factory passed, called
 * (`EnvValue.fromSecret` -> `EnvValue.fromSecret('<secret>', '<key>')`), or a call of the function.
 */
export function uncalledEnvValueFix(f: unknown): string | undefined {
  if (typeof f !== 'function') return undefined;
  const calls: ReadonlyArray<[unknown, string]> = [
    [EnvValue.fromSecret, "EnvValue.fromSecret('<secret>', '<key>')"], [EnvValue.fromConfigMap, "EnvValue.fromConfigMap('<configmap>', '<key>')"],
    [EnvValue.fromField, "EnvValue.fromField('metadata.name')"], [EnvValue.value, "EnvValue.value('<value>') (or the string itself)"],
  ];
  const hit = calls.find(([factory]) => factory === f);
  return hit ? `call it: ${hit[1]}` : "call the function and pass its result, a string or an EnvValue (e.g. EnvValue.fromSecret('<secret>', '<key>'))";
}

function checkEnvMap(env: unknown, scope: IConstruct, source: string): void {
  if (env === undefined) return;
  if (typeof env !== 'object' || env === null || Array.isArray(env) || env instanceof EnvValue) {
    fail({
      scope, prop: source, message: 'needs an object of variables', value: env,
      allowed: 'an object of variable names to strings or EnvValues', fix: "e.g. { LOG_LEVEL: 'info', DB_PASSWORD: EnvValue.fromSecret('db', 'password') }",
    });
  }
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' || value instanceof EnvValue) continue;
    const kind = value === null ? 'null' : value === undefined ? 'undefined' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    fail({
      scope, prop: envPath(source, name),
      message: `must be a string or an EnvValue, but is ${kind}`, value,
      allowed: 'a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...)',
      fix: typeof value === 'number' || typeof value === 'boolean' ? `write it as a string: '${value}'` : uncalledEnvValueFix(value) ?? 'give a string, or leave the variable out',
    });
  }
}

/** The path of a variable of an env prop: `env.LOG_LEVEL`, `env["my.var"]`. */
function envPath(source: string, name: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(name) ? `${source}.${name}` : `${source}[${JSON.stringify(name)}]`;
}
