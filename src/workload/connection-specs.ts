import { NameRule } from '../core/names';
import { envName, envPrefix, nameSpec, portName, portNumber } from '../core/specs';
import { Spec, v } from '../core/validation';
import type { AllowFromOptions, AllowFromPodsOptions, ConnectionEnvNames, ConnectionUrlOptions, ConnectOptions, CredentialKeys } from './connections';

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
    allowed: "letters, digits, '-', '_' and '.', at most 253 characters",
    samples: ['password', 'user'],
    check: (s) => (/^[-._a-zA-Z0-9]+$/.test(s) && s.length <= 253 ? undefined : { message: 'is not a valid Secret key' }),
  });
}

const ENV_FORMS = ['host-port', 'addr', 'url', 'none'] as const;

/** ConnectOptions (connectTo). */
export const CONNECT_OPTIONS = v.object<ConnectOptions>()({
  allowCrossNamespace: v.boolean(),
  dns: v.oneOf(['kube-dns', 'any'] as const),
  envPrefix,
  env: v.object<ConnectionEnvNames>()({ host: envName, port: envName, addr: envName, url: envName, username: envName, password: envName, database: envName }, { what: 'env role' }),
  envForm: v.union(v.oneOf(ENV_FORMS), v.array(v.oneOf(ENV_FORMS), { minItems: 1 })) as Spec<ConnectOptions['envForm'] & {}>,
  url: v.object<ConnectionUrlOptions>()({
    scheme: v.string({
      allowed: "a lowercase URL scheme such as 'http', 'postgres' or 'redis'",
      check: (x) => {
        if (/^[a-z][a-z0-9+.-]*$/.test(x)) return undefined;
        // 'postgres://' or 'Redis:' -> the scheme alone
        const bare = /^([a-z][a-z0-9+.-]*)(:\/*)?$/i.exec(x);
        return { message: 'is not a URL scheme', fix: bare ? `write '${bare[1].toLowerCase()}' (the scheme alone: timonel writes '://')` : undefined };
      },
    }),
    path: v.string({ allowed: "a path starting with '/'", check: (x) => (x.startsWith('/') ? undefined : { message: "must start with '/'" }) }),
    credentials: v.boolean(),
  }, { what: 'url option' }),
  credentials: v.object<NonNullable<ConnectOptions['credentials']>>()({ secretName: v.required(objectName), keys: CREDENTIAL_KEYS }, { what: 'credentials field' }),
  containers: v.union(
    v.oneOf(['main', 'all'] as const, {
      allowed: "'main', 'all', or a list of container names such as ['main', 'migrate']",
      fix: (value) => (typeof value === 'string' ? `for one container, write ['${value}']` : undefined),
    }),
    v.array(dnsLabel, { minItems: 1, allowed: "a non-empty array of container names, e.g. ['main', 'migrate']" }),
    "'main', 'all', or a list of container names such as ['main', 'migrate']",
  ) as Spec<ConnectOptions['containers'] & {}>,
}, {
  what: 'option of connectTo',
  check: (o, r) => {
    const forms = Array.isArray(o.envForm) ? o.envForm : [];
    const twice = forms.find((f, i) => forms.indexOf(f) !== i);
    if (twice !== undefined) r.issue('envForm', { message: `lists '${twice}' twice`, value: o.envForm, fix: `write each form once: [${[...new Set(forms)].map((f) => `'${f}'`).join(', ')}]` });
  },
});

/** `connectTo(target, options)`'s options, reported as `connectTo.<option>`. */
export const CONNECT_ARGS = v.object<{ connectTo?: ConnectOptions }>()({ connectTo: CONNECT_OPTIONS });

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
