import { CONFIG_KEY_ALLOWED, configKeyProblem, HELD_KEY_FIX } from '../core/config-keys';
import { DEFAULTS } from '../core/defaults';
import { NameRule } from '../core/names';
import { envName, envPrefix, nameSpec, portName, portNumber, urlScheme } from '../core/specs';
import { literal, Spec, v } from '../core/validation';
import type { AllowFromOptions, AllowFromPodsOptions, ConnectionEnvForm, ConnectionEnvNames, ConnectionUrlOptions, ConnectOptions, CredentialKeys } from './connections';

// The specs of connectTo's options, apart from the other workload specs so that connections.ts
// can check its options without a run-time import cycle.

const objectName = nameSpec(NameRule.DNS_1123_SUBDOMAIN);
const dnsLabel = nameSpec(NameRule.DNS_1123_LABEL);

/** Secret keys by credential role. */
export const CREDENTIAL_KEYS = v.object<CredentialKeys>()({
  username: secretKey(), password: secretKey(), database: secretKey(),
}, { what: 'credential role' });

function secretKey(): Spec<string> {
  return v.string({
    allowed: CONFIG_KEY_ALLOWED,
    samples: ['password', 'user'],
    check: (s) => configKeyProblem(s, 'is not a valid Secret key', HELD_KEY_FIX),
  });
}

const ENV_FORMS = ['host-port', 'addr', 'url', 'none'] as const;

/** The env roles each address form sets (credentials come with every form but 'none'; connectionEnv leaves them out for 'url' alone without credentials in it). */
export const FORM_ROLES: Record<Exclude<ConnectionEnvForm, 'none'>, ReadonlyArray<keyof ConnectionEnvNames>> = {
  'host-port': ['host', 'port'],
  'addr': ['addr'],
  'url': ['url'],
};

/** The env forms of connectTo's options, the default when none is given. */
export function envFormsOf(o: ConnectOptions): readonly ConnectionEnvForm[] {
  const raw = o.envForm ?? DEFAULTS.connections.envForm;
  return Array.isArray(raw) ? [...raw] : [raw as ConnectionEnvForm];
}

/** ConnectOptions (connectTo). */
export const CONNECT_OPTIONS = v.object<ConnectOptions>()({
  allowCrossNamespace: v.boolean(),
  dns: v.oneOf(['kube-dns', 'any'] as const),
  envPrefix,
  env: v.object<ConnectionEnvNames>()({ host: envName, port: envName, addr: envName, url: envName, username: envName, password: envName, database: envName }, { what: 'env role' }),
  envForm: v.union(v.oneOf(ENV_FORMS), v.array(v.oneOf(ENV_FORMS), { minItems: 1 })) as Spec<ConnectOptions['envForm'] & {}>,
  url: v.object<ConnectionUrlOptions>()({
    scheme: urlScheme,
    path: v.string({ allowed: "a path starting with '/'", check: (x) => (x.startsWith('/') ? undefined : { message: "must start with '/'", fix: `write ${literal(`/${x}`)}` }) }),
    credentials: v.boolean(),
  }, { what: 'url option' }),
  credentials: v.object<NonNullable<ConnectOptions['credentials']>>()({ secretName: v.required(objectName), keys: CREDENTIAL_KEYS }, { what: 'credentials field' }),
  containers: v.union(
    v.oneOf(['main', 'all'] as const, {
      allowed: "'main', 'all', or a list of container names such as ['main', 'migrate']",
      fix: (value) => (typeof value === 'string' ? containersListFix(value) : undefined),
    }),
    v.array(dnsLabel, { minItems: 1, allowed: "a non-empty array of container names, e.g. ['main', 'migrate']" }),
    "'main', 'all', or a list of container names such as ['main', 'migrate']",
  ) as Spec<ConnectOptions['containers'] & {}>,
}, {
  what: 'option of connectTo',
  // connectTo(db, 'DB') or connectTo(db, 'url'): the second argument is the options.
  typeFix: (x) => {
    if (typeof x !== 'string') return undefined;
    if ((ENV_FORMS as readonly string[]).includes(x)) return `the options are an object: { envForm: '${x}' }`;
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(x) ? `the options are an object: { envPrefix: '${x.toUpperCase()}' }` : undefined;
  },
  // The rules across options; what depends on the target (its scheme, its credentials' namespace,
  // the client's containers) is checked by connectTo itself.
  check: (o, r) => {
    const listed = Array.isArray(o.envForm) ? o.envForm : [];
    const twice = listed.find((f, i) => listed.indexOf(f) !== i);
    if (twice !== undefined) r.issue('envForm', { message: `lists '${twice}' twice`, value: o.envForm, allowed: 'each form once', fix: `write each form once: [${[...new Set(listed)].map((f) => `'${f}'`).join(', ')}]` });
    const forms = envFormsOf(o);
    if (forms.includes('none')) {
      if (forms.length > 1) r.issue('envForm', { message: "needs one or more forms, or 'none' alone", value: o.envForm, allowed: "one or more forms, or 'none' alone", fix: "e.g. 'addr', ['host-port', 'url'] or 'none'" });
      else if (o.env !== undefined || o.url !== undefined) r.issue('envForm', { message: "is 'none', so 'env' and 'url' would be ignored", value: 'none', allowed: "'none' without 'env' and 'url'", fix: "remove 'env' and 'url', or choose a form" });
      return;
    }
    const used = new Set<keyof ConnectionEnvNames>(['username', 'password', 'database']);
    for (const f of forms) for (const role of FORM_ROLES[f as Exclude<ConnectionEnvForm, 'none'>]) used.add(role);
    for (const role of Object.keys(o.env ?? {}) as Array<keyof ConnectionEnvNames>) {
      if (used.has(role)) continue;
      const form = (Object.keys(FORM_ROLES) as Array<keyof typeof FORM_ROLES>).find((f) => FORM_ROLES[f].includes(role));
      r.issue(`env.${role}`, {
        message: `names a variable the env form${forms.length > 1 ? 's' : ''} ${forms.map((f) => `'${f}'`).join(', ')} do${forms.length > 1 ? '' : 'es'} not set`,
        value: o.env![role], allowed: [...used].join(', '), fix: form ? `add '${form}' to envForm` : undefined,
      });
    }
    // Like a name for a variable no form sets: options that would make nothing are a mistake.
    if (o.url !== undefined && !forms.includes('url')) {
      const written = forms.length > 1 ? `the env forms ${forms.map((f) => `'${f}'`).join(', ')} set` : `the env form '${forms[0]}' sets`;
      r.issue('url', {
        message: `shapes a URL variable, but ${written} none`, value: o.url,
        allowed: "'url' options together with envForm 'url'",
        fix: `add 'url' to envForm: envForm: [${[...forms, 'url'].map((f) => `'${f}'`).join(', ')}]`,
      });
    }
  },
});

/** `allowFrom(peer, options)`'s options, reported as `allowFrom.<option>`. */
export const ALLOW_FROM_ARGS = v.object<{ allowFrom?: AllowFromOptions }>()({
  allowFrom: v.object<AllowFromOptions>()({ allowCrossNamespace: v.boolean(), dns: v.oneOf(['kube-dns', 'any'] as const) }, { what: 'option of allowFrom' }),
});

/** The options of `allowFrom(pods, options)`. */
export const ALLOW_FROM_PODS_OPTIONS = v.object<AllowFromPodsOptions>()({
  ports: v.array(v.union(portNumber, portName, 'a port number or name of the app'), { minItems: 1 }),
}, {
  what: 'option of allowFrom for pods',
  refused: {
    dns: { why: "those pods are not timonel's, so allowFrom writes no egress policy (and no DNS) for them", fix: 'remove it' },
    allowCrossNamespace: { why: 'a pods reference names its namespace, which is allowance enough', fix: 'remove it' },
  },
});

/** A string of container names where a list goes: 'main,migrate' -> ['main', 'migrate']. */
function containersListFix(value: string): string {
  const names = value.split(/[\s,]+/).filter((x) => x !== '');
  const list = `[${names.map((x) => `'${x}'`).join(', ')}]`;
  return names.length > 1 ? `for several containers, write a list: ${list}` : `for one container, write ['${names[0] ?? value}']`;
}
