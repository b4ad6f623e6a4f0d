import { DEFAULTS } from '../../core/defaults';
import { isValidName, NameRule } from '../../core/names';
import { absolutePath, envPrefix, urlScheme, nameSpec, portName, portNumber, portSpec, quantity } from '../../core/specs';
import { Reporter, Spec, tsLiteral, typeName, v } from '../../core/validation';
import { uselessBudget } from '../../workload/scaling';
import { checkIpFamilies, checkServicePorts, checkWorkload, IP_FAMILY_FIELDS, SERVED_REFUSED, WORKLOAD_FIELDS } from '../../workload/specs';
import type { AccessMode, PresetStorageOptions, StatefulStoreProps, StatefulStoreServiceOptions, StorageClaimProps, StoreCredentials } from '../stateful-store';

// Type-only imports of the construct's file: it imports this spec (no import cycle at run time).
const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
// kubectl's short forms, which users write from its output
const SHORT_ACCESS_MODES: Readonly<Record<string, AccessMode>> = { RWO: 'ReadWriteOnce', ROX: 'ReadOnlyMany', RWX: 'ReadWriteMany', RWOP: 'ReadWriteOncePod' };
const accessModes = v.array(v.oneOf(ACCESS_MODES, {
  fix: (x) => (typeof x === 'string' && SHORT_ACCESS_MODES[x.toUpperCase()] ? `write '${SHORT_ACCESS_MODES[x.toUpperCase()]}' (kubectl shows it as ${x.toUpperCase()})` : undefined),
}), { minItems: 1 });

const CLASS_NAME = nameSpec(NameRule.DNS_1123_SUBDOMAIN);
/** A StorageClass's name, or '': Kubernetes' "no class", a claim that binds a pre-created PersistentVolume (no dynamic provisioning). */
const storageClassName: Spec<string> = {
  allowed: `${CLASS_NAME.allowed}; or '' for no dynamic provisioning (bind a pre-created PersistentVolume that has no class)`,
  shape: { kind: 'string', samples: ['fast-ssd', ''] },
  check: (value, path, ctx) => value === '' || CLASS_NAME.check(value, path, ctx),
};

const claim = v.object<StorageClaimProps>()({
  name: nameSpec(NameRule.DNS_1123_LABEL),
  mountPath: v.required(absolutePath),
  size: quantity('storage', 'claim'),
  storageClassName,
  accessModes,
}, { what: 'storage field' });

/** The data volume of a preset. */
export const PRESET_STORAGE = v.object<PresetStorageOptions>()({
  // A claim's size, or with `ephemeral` an emptyDir's limit: a unit mistake is checked with `ephemeral` (presets).
  size: quantity('storage'),
  storageClassName,
  accessModes,
}, { what: 'storage field' });

/** The factory call for what was given as `credentials`: its Secret's name when it names one. */
function credentialsFix(x: unknown): string {
  const given = x !== null && typeof x === 'object' ? (x as { secretName?: unknown; keys?: unknown }) : undefined;
  const name = typeof x === 'string' ? x : given?.secretName;
  const keys = given?.keys !== null && typeof given?.keys === 'object' && Object.keys(given.keys as object).length
    ? `, { keys: ${tsLiteral(given.keys)} }` : '';
  if (typeof name === 'string' && isValidName(name, NameRule.DNS_1123_SUBDOMAIN)) {
    return `wrap the Secret's name: credentials: StoreCredentials.fromSecret('${name}'${keys}) (each role is read from the key of its own name unless keys maps it)`;
  }
  return "wrap the name of the Secret that holds them: credentials: StoreCredentials.fromSecret('<secret name>') (each role is read from the key of its own name; "
    + "{ keys: { password: 'pw' } } maps one), or let an ExternalSecret fill it: StoreCredentials.fromExternalSecret({ … })";
}

/** Credentials made by the StoreCredentials factories. */
export const CREDENTIALS: Spec<StoreCredentials> = v.custom<StoreCredentials>(
  'StoreCredentials.fromSecret(...), fromExternalSecret(...) or fromLiteralsINSECURE(...)',
  // Made by the factories: an object with a bind method (a plain { secretName, keys } is not).
  (x) => (x !== null && typeof x === 'object' && typeof (x as { bind?: unknown }).bind === 'function' ? undefined : {
    message: `must be StoreCredentials.fromSecret(...), fromExternalSecret(...) or fromLiteralsINSECURE(...), but is ${typeName(x)}`,
    fix: credentialsFix(x),
  }),
  () => [],
);

// Env names that usually carry secrets; `_FILE` variants hold paths, not values.
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** The Services' options: their IP families (the port is `servicePort`; a store's Services are ClusterIP and headless). */
const service = v.object<StatefulStoreServiceOptions>()(IP_FAMILY_FIELDS, {
  what: 'service option',
  check: checkIpFamilies,
  refused: {
    port: { why: "a store's Service port is a prop of its own", fix: 'write servicePort: <port> beside service' },
    type: {
      why: "a store's Services are a ClusterIP one for its clients and a headless one for its pods' DNS names",
      fix: 'clients in the cluster reach it with connectTo; for clients outside it, add a Service of your own that selects its pods (store.selectorLabels)',
    },
  },
});

/** The fields of StatefulStoreProps (presets take theirs from here). */
export const STORE_FIELDS = {
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1035_LABEL, DEFAULTS.statefulStore.maxNameLength),
  replicas: v.int({ min: 0 }),
  port: v.required(portNumber),
  portName,
  servicePort: portNumber,
  extraPorts: v.array(portSpec),
  service,
  storage: v.array(claim, {
    // The presets' shape ({ size }) given to a StatefulStore: a list of claims, each with its mountPath.
    typeFix: (value) => (value !== null && typeof value === 'object' && !Array.isArray(value)
      ? `write a list of claims, each with the path it is mounted at: storage: [${tsLiteral({ name: DEFAULTS.statefulStore.storage.name, mountPath: DEFAULTS.statefulStore.storage.mountPath, ...(value as object) })}]`
      : undefined),
  }),
  deleteVolumesOnDelete: v.boolean(),
  deleteVolumesOnScaleDown: v.boolean(),
  credentials: CREDENTIALS,
  credentialRoles: v.array(v.oneOf(['username', 'password', 'database'] as const)),
  database: v.string({ nonEmpty: true }),
  envPrefix,
  scheme: urlScheme,
  podManagementPolicy: v.oneOf(['OrderedReady', 'Parallel'] as const),
  partition: v.int({ min: 0, allowed: 'an integer ≥ 0 (0 updates every pod)' }),
  revisionHistoryLimit: v.int({ min: 0 }),
  disruptionBudget: v.boolean(),
  spread: v.boolean(),
  isolate: v.boolean(),
};

/** The rules of a store across props, for StatefulStore and the presets. */
export function checkStore(
  p: Omit<StatefulStoreProps, 'port' | 'storage'> & { readonly port?: number },
  defaults: { readonly port: number; readonly portName: string },
  r: Reporter,
  mountPaths: ReadonlyMap<string, string> = new Map(),
): void {
  const main = { name: p.portName ?? defaults.portName, port: p.port ?? defaults.port };
  const names = new Map<string, string>([[main.name, 'portName']]);
  const numbers = new Map<number, string>([[main.port, 'port']]);
  (p.extraPorts ?? []).forEach((x, i) => {
    if (names.has(x.name)) r.issue(`extraPorts[${i}].name`, { message: `is already the name of '${names.get(x.name)}'`, value: x.name, allowed: 'unique port names', fix: 'rename the port' });
    if (numbers.has(x.port) && (x.protocol ?? 'TCP') === 'TCP') r.issue(`extraPorts[${i}].port`, { message: `is already the number of '${numbers.get(x.port)}'`, value: x.port, allowed: 'each container port once', fix: `give it the number it listens on, or drop it and use '${numbers.get(x.port)}'` });
    names.set(x.name, `extraPorts[${i}]`);
    numbers.set(x.port, `extraPorts[${i}]`);
  });
  for (const [name, x] of Object.entries(p.env ?? {})) {
    if ((typeof x === 'string' || x.isLiteral) && SECRET_ENV.test(name) && !/_FILE$/.test(name)) {
      r.issue(`env.${name}`, {
        message: 'is a literal value, but secrets are passed by reference', allowed: "EnvValue.fromSecret(...) or the store's 'credentials'",
        fix: "use 'credentials: StoreCredentials.fromSecret(...)' or 'fromExternalSecret(...)'",
      });
    }
  }
  checkServicePorts(
    p.servicePort !== undefined ? { port: p.servicePort, prop: 'servicePort', containerPort: main.port }
      : { port: main.port, prop: 'port', defaulted: p.port === undefined, containerPort: main.port },
    p.extraPorts, r,
  );
  checkWorkload(p, [main, ...(p.extraPorts ?? [])], r, mountPaths, { mainPortsProp: 'extraPorts' });
}

/** The spec of StatefulStoreProps. */
export const STATEFUL_STORE_PROPS = v.object<StatefulStoreProps>()(STORE_FIELDS, {
  owner: 'StatefulStore', docs: 'docs/stateful-store.md',
  refused: SERVED_REFUSED,
  check: (p, r) => {
    const budget = p.disruptionBudget === true ? uselessBudget(p.replicas ?? DEFAULTS.statefulStore.replicas) : undefined;
    if (budget) r.issue('disruptionBudget', { value: true, ...budget });
    const claims = p.storage ?? [{ mountPath: DEFAULTS.statefulStore.storage.mountPath }];
    checkStore(p, { port: p.port, portName: DEFAULTS.statefulStore.portName }, r, new Map(claims.map((c, i) => [c.mountPath, p.storage ? `storage[${i}]` : 'the data volume'])));
    const names = new Set<string>();
    const paths = new Set<string>();
    (p.storage ?? []).forEach((c, i) => {
      const name = c.name ?? DEFAULTS.statefulStore.storage.name;
      if (names.has(name)) r.issue(`storage[${i}].name`, { message: `names a second claim '${name}'`, value: name, allowed: 'unique claim names', fix: "give every claim its own 'name' (the default is 'data')" });
      if (paths.has(c.mountPath)) r.issue(`storage[${i}].mountPath`, { message: 'is the mount path of another claim', value: c.mountPath, allowed: 'one claim per mount path', fix: `give each claim its own mountPath, e.g. '${c.mountPath.replace(/\/+$/, '')}-2'` });
      names.add(name);
      paths.add(c.mountPath);
    });
  },
});
