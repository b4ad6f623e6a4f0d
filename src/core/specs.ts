import { isIP } from 'net';
import { DEFAULTS } from './defaults';
import { EnvValue, uncalledEnvValueFix } from './env';
import { imageFix, parseImage } from './image';
import { isValidLabelKey, isValidLabelValue, LABELS, RECOMMENDED_LABEL_PREFIX, suggestLabelKey } from './labels';
import { isValidName, NameRule, suggestName } from './names';
import { INT32_MAX } from './numbers';
import { PortSpec, portNameFix, portNumberFix } from './ports';
import { Probe, ProbeTiming } from './probes';
import { QuantityKind, quantityProblem, StorageUse } from './quantity';
import { ApiServerRef, IngressControllerRef, PodsRef, TrafficDefaults } from './traffic';
import { Problem, Spec, v } from './validation';

// The field specs every construct shares, each a string/number rule of the Kubernetes API.

/** A name of the given rule (DNS-1123 label, subdomain, 1035 label), at most `maxLength`. */
export function nameSpec(rule: NameRule, maxLength?: number): Spec<string> {
  const max = maxLength ?? (rule === NameRule.DNS_1123_SUBDOMAIN ? 253 : 63);
  const allowed = rule === NameRule.DNS_1035_LABEL
    ? `a ${rule}: lowercase letters, digits and '-', starting with a letter, at most ${max} characters`
    : `a ${rule}: lowercase letters, digits and '-'${rule === NameRule.DNS_1123_SUBDOMAIN ? " and '.'" : ''}, at most ${max} characters`;
  return v.string({
    allowed,
    samples: ['db', 'web-1', 'a'],
    check: (s) => {
      if (s.length > max) {
        const cut = s.slice(0, max).replace(/[^a-z0-9]+$/, '');
        return { message: `must be at most ${max} characters for a ${rule}, but is ${s.length}`, allowed, fix: isValidName(cut, rule) ? `shorten it, e.g. '${cut}'` : `shorten it to ${max} characters` };
      }
      if (!isValidName(s, rule)) {
        const near = suggestName(s, rule, max);
        return { message: `is not a valid ${rule}`, allowed, fix: near !== undefined ? `write '${near}'` : nameFix(s, rule) };
      }
      return undefined;
    },
  });
}

/** How to make `s` a valid name of `rule` when no close name is valid. */
function nameFix(s: string, rule: NameRule): string {
  if (rule === NameRule.DNS_1035_LABEL && /^[0-9]/.test(s)) return "start it with a letter, e.g. 'db-1' rather than '1-db'";
  return `use lowercase letters, digits and '-'${rule === NameRule.DNS_1123_SUBDOMAIN ? " and '.'" : ''}, starting and ending with a letter or digit, e.g. 'web-1'`;
}

/** A label value (at most 63 characters, alphanumeric at both ends, '-', '_' and '.' inside). */
export const labelValue: Spec<string> = v.string({
  allowed: "a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  samples: ['frontend', '1.2.3'],
  check: (s) => (isValidLabelValue(s) ? undefined : {
    message: s.length > 63 ? `is too long for a label value (${s.length} characters, at most 63)` : 'is not a valid label value',
    fix: labelValueFix(s),
  }),
});

/** The fix of an invalid label value: other characters made '-', trimmed to letters or digits at both ends. */
export function labelValueFix(s: string): string {
  if (s.length > 63) return 'shorten it to 63 characters';
  const near = s.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return near !== '' ? `write '${near}'` : "use letters, digits, '-', '_' and '.', e.g. 'v1'";
}

/** A label or annotation key (`[prefix/]name`). */
export function labelKeyProblem(k: string): Problem | undefined {
  if (isValidLabelKey(k)) return undefined;
  const near = suggestLabelKey(k);
  return {
    message: 'has an invalid key',
    allowed: "'[prefix/]name': a DNS subdomain prefix and a name of at most 63 letters, digits, '-', '_' and '.'",
    fix: near !== undefined ? `write '${near}'` : "use a name such as 'team' or a prefixed one such as 'example.com/team'",
  };
}

// Where each recommended label comes from, for a chart's `labels` that sets one.
const RECOMMENDED_FROM: Readonly<Record<string, string>> = {
  [LABELS.name]: "remove it: timonel sets it from each workload's id",
  [LABELS.instance]: "remove it: timonel sets it from each workload's object name",
  [LABELS.version]: "remove it, and set a workload's 'version' prop where the image tag is not the version",
  [LABELS.component]: "remove it, and set each workload's 'component' prop",
  [LABELS.partOf]: "remove it, and set the chart's 'partOf' prop: new TimonelChart(app, 'shop', { partOf: '<value>' })",
  [LABELS.managedBy]: `remove it: timonel sets it to '${DEFAULTS.managedBy}'`,
};

/**
 * What is wrong with a label key of the user's own (a chart's `labels`; the fix of an invalid
 * `podLabels` key), or undefined: a valid key outside `app.kubernetes.io/`, whose recommended
 * labels timonel sets on every object and pod (a chart's value would be overwritten on some
 * objects and kept on others).
 */
export function ownLabelKeyProblem(k: string): Problem | undefined {
  const invalid = labelKeyProblem(k);
  // An invalid key whose fix would be a recommended one ('APP.kubernetes.io/part-of') gets that one's fix.
  const key = invalid ? suggestLabelKey(k) : k;
  if (key === undefined || !key.startsWith(RECOMMENDED_LABEL_PREFIX)) return invalid;
  const own = key.slice(RECOMMENDED_LABEL_PREFIX.length);
  const from = RECOMMENDED_FROM[key];
  const fix = from ?? `write '${own}' or 'example.com/${own}' (your own domain)`;
  const allowed = `a key of your own: no prefix or your own domain's; '${RECOMMENDED_LABEL_PREFIX}' keys are timonel's`;
  if (invalid) return { message: invalid.message, allowed, fix };
  return {
    message: from
      ? 'sets a recommended label, which timonel sets on every object itself (the chart\'s value would be overwritten)'
      : `uses the prefix '${RECOMMENDED_LABEL_PREFIX}', which Kubernetes reserves for its recommended labels`,
    allowed, fix,
  };
}

/**
 * What is wrong with an extended resource name ('nvidia.com/gpu'), or undefined: a qualified name
 * with a domain prefix outside kubernetes.io (Kubernetes' own resources have none).
 */
export function extendedResourceProblem(name: string): Problem | undefined {
  const allowed = "a device plugin's full resource name, '<domain>/<name>', such as 'nvidia.com/gpu' or 'amd.com/gpu'";
  if (name === 'cpu' || name === 'memory') return { message: `is Kubernetes' own '${name}', not an extended resource`, allowed, fix: `set it as ${name}: { request, limit }` };
  const slash = name.indexOf('/');
  if (slash < 0) {
    const gpu = /gpu/i.test(name);
    return { message: 'has no domain: extended resources are named by their device plugin', allowed, fix: gpu ? "write 'nvidia.com/gpu' (NVIDIA's device plugin) or 'amd.com/gpu' (AMD's)" : `write the full name the device plugin advertises, e.g. 'example.com/${name}'` };
  }
  if (/(^|\.)kubernetes\.io$/.test(name.slice(0, slash))) return { message: 'is in the kubernetes.io domain, which extended resources may not use', allowed, fix: "use the device plugin's own domain, e.g. 'nvidia.com/gpu'" };
  if (!isValidLabelKey(name) || name.startsWith('requests.')) return { message: 'is not a valid resource name', allowed, fix: labelKeyProblem(name)?.fix ?? "write a name such as 'nvidia.com/gpu'" };
  return undefined;
}

/** A map of label keys to label values (nodeSelector). */
export const labelMap: Spec<Record<string, string>> = v.record(labelValue, { key: labelKeyProblem, keys: ['disktype', 'kubernetes.io/os'] });

/** A chart's `labels`: label keys of the user's own (see `ownLabelKeyProblem`). */
export const chartLabelMap: Spec<Record<string, string>> = v.record(labelValue, { key: ownLabelKeyProblem, keys: ['team', 'example.com/cost-center'] });

/** The pods of an ingress controller, a Gateway or Prometheus: a namespace and pod labels. */
export const controllerRef: Spec<IngressControllerRef> = v.object<IngressControllerRef>()({
  namespace: v.required(nameSpec(NameRule.DNS_1123_LABEL)),
  podLabels: v.required(labelMap),
}, { what: 'controller field' });

/** Pods of a namespace (all of them, or those with `podLabels`), e.g. what `allowFrom` admits. */
export const podsRef: Spec<PodsRef> = v.object<PodsRef>()({
  namespace: v.required(nameSpec(NameRule.DNS_1123_LABEL)),
  podLabels: labelMap,
}, {
  what: 'field of a pods reference',
  refused: Object.fromEntries(['ports', 'port'].map((k) => [k, {
    why: 'a pods reference names pods, and the ports are an option', fix: "pass them as the second argument: allowFrom({ namespace: 'ops' }, { ports: ['http'] })",
  }])),
});

/** A map of annotation keys to string values. */
export const annotationMap: Spec<Record<string, string>> = v.record(v.string(), { key: labelKeyProblem, keys: ['example.com/a'] });

/** What a CIDR is, for messages. */
export const CIDR_ALLOWED = "an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'";

/**
 * What is wrong with a CIDR (an IPv4 or IPv6 address with a prefix length), or undefined. An
 * address with bits set past the prefix ('198.51.100.7/24') is a problem: it is either the
 * network ('198.51.100.0/24') or one host ('/32') written wrongly, and which one only the user knows.
 * With `hostBitsSet` 'allow' it is read as its network, as the API server reads a NetworkPolicy's
 * `ipBlock` (with a warning).
 */
export function cidrProblem(cidr: string, hostBitsSet: 'refuse' | 'allow' = 'refuse'): Problem | undefined {
  const [addr, bits, extra] = cidr.split('/');
  const family = isIP(addr ?? '');
  if (bits === undefined && family) return { message: 'is an address without a prefix length', allowed: CIDR_ALLOWED, fix: `write '${cidr}/${family === 4 ? 32 : 128}' for this one address` };
  if (!family || addr.includes('%') || extra !== undefined || !/^[0-9]+$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) {
    return { message: 'is not a CIDR', allowed: CIDR_ALLOWED, fix: family ? `write the prefix length as a number up to ${family === 4 ? 32 : 128}, e.g. '${addr}/${family === 4 ? 32 : 128}'` : "write an address and a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'" };
  }
  if (hostBitsSet === 'allow') return undefined;
  const width = family === 4 ? 32 : 128;
  const value = family === 4 ? ipv4Bits(addr) : ipv6Bits(addr);
  const hostBits = BigInt(width - Number(bits));
  const network = (value >> hostBits) << hostBits;
  if (network === value) return undefined;
  const net = `${family === 4 ? formatIpv4(network) : formatIpv6(network)}/${bits}`;
  return {
    message: `has host bits set past its /${bits} prefix (its network is ${net})`,
    allowed: `${CIDR_ALLOWED}, with no bits set past the prefix`,
    fix: `write '${net}' (the network) or '${addr}/${width}' (one host)`,
  };
}

/**
 * What is wrong with an ipBlock's `except` entry, or undefined: the API server (ValidateIPBlock)
 * wants a strict subset of the block's `cidr` (same family, longer prefix, inside it). Both are
 * valid CIDRs; host bits past a prefix are read as its network.
 */
export function exceptProblem(cidr: string, except: string): Problem | undefined {
  const outer = cidrRange(cidr);
  const inner = cidrRange(except);
  const inside = inner.family === outer.family && inner.prefix > outer.prefix
    && (inner.network >> BigInt(inner.width - outer.prefix)) === (outer.network >> BigInt(outer.width - outer.prefix));
  if (inside) return undefined;
  return {
    message: `must be a strict subset of cidr '${cidr}'`,
    allowed: `a network inside ${cidr}, with a longer prefix`,
    fix: inner.family !== outer.family ? 'put it in an ipBlock of its own family' : 'remove it, or widen cidr to contain it',
  };
}

function cidrRange(cidr: string): { family: 4 | 6; width: number; prefix: number; network: bigint } {
  const [addr, bits] = cidr.split('/');
  const family = isIP(addr) as 4 | 6;
  const width = family === 4 ? 32 : 128;
  const host = BigInt(width - Number(bits));
  return { family, width, prefix: Number(bits), network: ((family === 4 ? ipv4Bits(addr) : ipv6Bits(addr)) >> host) << host };
}

function ipv4Bits(addr: string): bigint {
  return addr.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

// '::' expanded, an embedded IPv4 tail ('::ffff:192.0.2.1') as two groups; `addr` is valid (isIP).
function ipv6Bits(addr: string): bigint {
  let a = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const n = ipv4Bits(v4[1]);
    a = `${a.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups as '::'.
function formatIpv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** A CIDR: an IPv4 or IPv6 address with a prefix length. */
export const cidr: Spec<string> = v.string({ allowed: CIDR_ALLOWED, samples: ['203.0.113.0/24', '10.0.0.0/8', '2001:db8::/32'], check: cidrProblem });

/**
 * A CIDR that `EgressTarget.internet` excepts from 0.0.0.0/0 or ::/0: the API server wants each
 * except a strict subset of its cidr, so '0.0.0.0/0' or '::/0' itself is refused. `fix` says what to
 * write instead, where the user wrote it.
 */
function internetExcept(fix: string): Spec<string> {
  return v.string({
    allowed: `${CIDR_ALLOWED}, with a prefix length above 0`,
    samples: ['10.0.0.0/8', 'fd00:10:244::/56'],
    check: (s) => {
      const problem = cidrProblem(s);
      if (problem) return problem;
      const whole = isIP(s.split('/')[0]) === 4 ? '0.0.0.0/0' : '::/0';
      if (!exceptProblem(whole, s)) return undefined;
      return {
        message: `covers every ${whole === '::/0' ? 'IPv6' : 'IPv4'} address: EgressTarget.internet excepts it from ${whole}, and the API server refuses an ipBlock except that is not a strict subset of its cidr`,
        fix,
      };
    },
  });
}

/** EgressTarget.internet's `except`. */
export const internetExceptCidrs = v.array(
  internetExcept('remove it: EgressTarget.internet always allows both families (for no internet egress, do not allow EgressTarget.internet; for given networks, use EgressTarget.cidrs)'),
  { allowed: `a list of CIDRs: ${CIDR_ALLOWED}` },
) as Spec<string[]>;

/** A port number 1–65535. */
export const portNumber: Spec<number> = v.int({ min: 1, max: 65535, message: 'must be a port number', fix: portNumberFix });

/** Traffic defaults of an App or a chart. */
export const trafficDefaults: Spec<TrafficDefaults> = v.object<TrafficDefaults>()({
  ingressController: controllerRef,
  gateway: controllerRef,
  prometheus: controllerRef,
  clusterCidrs: v.array(internetExcept("list the cluster's own pod, Service and node ranges (the cluster-cidr and service-cluster-ip-range of the control plane), e.g. 'fd00:10:244::/56'"), { allowed: `a list of CIDRs: ${CIDR_ALLOWED}` }) as Spec<readonly string[]>,
  apiServer: v.object<ApiServerRef>()({
    cidrs: v.required(v.array(cidr, { minItems: 1, allowed: `a list of at least one CIDR: ${CIDR_ALLOWED}, e.g. ['172.18.0.2/32']` }) as Spec<readonly string[]>, {
      message: 'is required', fix: "pass the addresses of kubectl get endpoints kubernetes -n default, e.g. cidrs: ['172.18.0.2/32']",
    }),
    ports: v.required(v.array(portNumber, { minItems: 1, allowed: 'a list of at least one port number, e.g. [6443]' }) as Spec<readonly number[]>, {
      message: 'is required', fix: 'pass the port of kubectl get endpoints kubernetes -n default (6443 or 443), e.g. ports: [6443]',
    }),
  }, { what: 'API server field' }),
}, { what: 'traffic default' });

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** An IANA service name: at most 15 lowercase letters, digits and '-', one letter at least. */
export const portName: Spec<string> = v.string({
  allowed: "an IANA service name: lowercase letters, digits and '-', at least one letter, at most 15 characters",
  samples: ['http', 'grpc', 'metrics'],
  check: (s) => {
    if (s.length > 15) return { message: `must be at most 15 characters, but is ${s.length}`, fix: `shorten it, e.g. '${s.slice(0, 15).replace(/-+$/, '')}'` };
    if (!PORT_NAME.test(s) || !/[a-z]/.test(s) || s.includes('--')) return { message: 'is not a valid port name', fix: portNameFix(s) };
    return undefined;
  },
});

/** A port's protocol ('tcp' gets "did you mean 'TCP'?"). */
export const protocol = v.oneOf(['TCP', 'UDP', 'SCTP'] as const);

// Kubernetes' standard application protocols, written without their prefix.
const STANDARD_APP_PROTOCOLS = ['h2c', 'ws', 'wss'];

/** A Service port's `appProtocol`: a qualified name, as the API server checks it ('kubernetes.io/h2c', 'https'). */
export const appProtocol: Spec<string> = v.string({
  allowed: "an IANA service name ('https', 'grpc') or a prefixed name ('kubernetes.io/h2c', 'kubernetes.io/ws', 'example.com/proto')",
  samples: ['kubernetes.io/h2c', 'https'],
  check: (s) => {
    const bare = s.toLowerCase().replace(/^kubernetes\.io\//, '');
    if (STANDARD_APP_PROTOCOLS.includes(bare) && s !== `kubernetes.io/${bare}`) {
      return { message: `is Kubernetes' standard '${bare}' protocol without its prefix`, fix: `write 'kubernetes.io/${bare}'` };
    }
    const near = suggestLabelKey(s.toLowerCase());
    return isValidLabelKey(s) ? undefined : { message: 'is not a valid application protocol', fix: near !== undefined ? `write '${near}'` : "use 'http', 'https', 'grpc' or 'kubernetes.io/h2c'" };
  },
});

/** A port of a workload's main container, which its Services expose. */
export const portSpec: Spec<PortSpec> = v.object<PortSpec>()({
  name: v.required(portName),
  port: v.required(portNumber),
  servicePort: portNumber,
  protocol,
  appProtocol,
  service: v.boolean(),
}, {
  what: 'port field',
  check: (p, r) => {
    if (p.service !== false) return;
    for (const k of ['servicePort', 'appProtocol'] as const) {
      if (p[k] !== undefined) r.issue(k, { message: 'is a field of a Service port, but service is false (a pod-only port)', value: p[k], allowed: `${k} only on a port with a Service (service: true, the default)`, fix: `remove '${k}', or 'service: false'` });
    }
  },
});

/** A container port no Service exposes (sidecars, NodeAgent): `appProtocol` would go nowhere. */
export const containerPortSpec = v.object<Omit<PortSpec, 'appProtocol' | 'service'>>()({
  name: v.required(portName),
  port: v.required(portNumber),
  servicePort: portNumber,
  protocol,
}, {
  what: 'port field',
  refused: {
    appProtocol: { why: 'it is a field of a Service port, and no Service exposes this container port', fix: 'remove it (set it on the ports a Service exposes: extraPorts, or appProtocol for the main port)' },
    service: { why: 'no Service exposes this container port: it is pod-only already', fix: 'remove it' },
  },
}) as Spec<PortSpec>;

/** Ports: names and number/protocol pairs unique. */
export function checkUniquePorts(ports: readonly PortSpec[], path: (i: number) => string, issue: (prop: string, p: Problem & { value?: unknown }) => void): void {
  const names = new Map<string, number>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    if (names.has(p.name)) issue(`${path(i)}.name`, { message: 'is used by two ports', value: p.name, allowed: 'unique port names', fix: 'rename one of the ports' });
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (numbers.has(key)) issue(`${path(i)}.port`, { message: 'is declared twice', value: p.port, allowed: 'each container port and protocol once', fix: "remove the copy, or give it protocol: 'UDP' if it serves both" });
    names.set(p.name, i);
    numbers.add(key);
  });
}

/** An absolute path (mount paths, HTTP paths). */
export const absolutePath: Spec<string> = v.string({
  allowed: "an absolute path starting with '/'",
  samples: ['/data', '/healthz'],
  check: (s) => (s.startsWith('/') ? undefined : { message: "must start with '/'", fix: `use '/${s}'` }),
});

/**
 * The fix of an HTTP path without its leading '/': a whole URL gives its path
 * ('http://localhost:5000/healthz' -> '/healthz'; `portNote` says where the port comes from), else '/' in front.
 */
export function httpPathFix(s: string, portNote = 'the host and port come from the workload'): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? safeUrl(s) : undefined;
  return url ? `use the URL's path: '${url.pathname}${url.search}' (${portNote})` : `use '/${s}'`;
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** An HTTP path: absolute, no spaces (`portNote`: where the port of a URL written instead comes from). */
export function httpPathSpec(portNote?: string): Spec<string> {
  return v.string({
    allowed: "an absolute URL path starting with '/', without spaces",
    samples: ['/', '/healthz', '/api/v1'],
    check: (s) => {
      if (!s.startsWith('/')) return { message: "must start with '/'", fix: httpPathFix(s, portNote) };
      if (/\s/.test(s)) return { message: 'must not contain spaces', fix: 'encode spaces as %20' };
      return undefined;
    },
  });
}

/** An HTTP path: absolute, no spaces. */
export const httpPath: Spec<string> = httpPathSpec();

/**
 * A quantity of the given kind, as `validateQuantity` checks it, greater than zero. A storage size
 * (`use`: what it sizes) also refuses sizes that are a unit mistake (`storageSizeProblem`).
 */
export function quantity(kind: QuantityKind, use?: StorageUse): Spec<string> {
  const allowed = kind === 'cpu' ? "cores as a number or millicores: '250m', '0.5', '2'"
    : `bytes with a binary suffix: '128Mi', '1Gi'${use === 'claim' ? ', at least 1Mi' : use === 'emptyDir' ? ' (without a unit: at least 1Mi)' : ''}`;
  return v.string({
    allowed,
    samples: kind === 'cpu' ? ['100m', '1'] : ['128Mi', '1Gi'],
    check: (s) => specQuantityProblem(s, kind, use),
  });
}

/** A CPU quantity: a string or a number of cores. */
export const cpuQuantity: Spec<string | number> = v.union(quantity('cpu'), v.custom<number>('a number of cores above 0', (x) => {
  if (typeof x !== 'number') return { message: `must be a number, but is ${typeof x}` };
  return specQuantityProblem(x, 'cpu');
}, () => [0.5, 2]), "cores as a number or millicores: '250m', '0.5', 2");

/** `quantityProblem` without its own 'Allowed' (a spec says what it allows). */
function specQuantityProblem(q: string | number, kind: QuantityKind, storageUse?: StorageUse): Problem | undefined {
  const p = quantityProblem(q, kind, { storageUse });
  return p && { message: p.message, fix: p.fix };
}

const DURATION = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$/;

/** A duration with units, as Prometheus and the ServiceMonitor schema want it ('30s', '1m30s'). */
export const duration: Spec<string> = v.string({
  allowed: "a duration with a unit: '30s', '1m', '1h30m' (units ms, s, m, h, d, w, y)",
  samples: ['30s', '1m', '15s'],
  check: (s) => (DURATION.test(s) ? undefined : {
    message: 'is not a duration with a unit',
    fix: /^[0-9]+$/.test(s) ? `write '${s}s' for seconds` : "write a number and a unit, e.g. '30s' or '1m'",
  }),
});

/**
 * The fix of a percentage given as a whole number from 1 to 100 (`cpuUtilization: 70`) that came
 * as '70%', '70', a fraction (0.7) or a non-whole number: the whole number it means.
 */
export function percentFix(value: unknown): string | undefined {
  const whole = (n: number, why: string): string | undefined => {
    const r = Math.round(n);
    return r >= 1 && r <= 100 ? `write ${r} (${why})` : undefined;
  };
  if (typeof value === 'string') {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*%?\s*$/.exec(value);
    return m ? whole(Number(m[1]), "a percentage as a whole number, without quotes or '%'") : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (value > 0 && value < 1) return whole(value * 100, `a percentage as a whole number, not a fraction: ${value} is ${Math.round(value * 100)}%`);
  if (value >= 1 && value <= 100 && !Number.isInteger(value)) return whole(value, 'a percentage as a whole number');
  return value > 100 ? 'use 100 or less (a percentage of the requests)' : value <= 0 ? 'use 1 or more (a percentage of the requests)' : undefined;
}

/** An integer or an integer percentage ('25%'), as Deployment rollout and PDB fields take it. */
export const intOrPercent: Spec<number | string> = v.custom<number | string>(
  "a whole number of at least 0 or a whole percentage such as '25%'",
  (x) => {
    if (typeof x === 'number') {
      if (Number.isInteger(x) && x >= 0 && x <= INT32_MAX) return undefined;
      // A fraction is a share: 0.25 is '25%'.
      const fix = x > 0 && x < 1 ? `write '${Math.round(x * 100)}%' (a percentage), or a whole count such as 1` : "write a count such as 1, or a percentage such as '25%'";
      return { message: 'must be a pod count or a percentage', fix };
    }
    if (typeof x !== 'string') return { message: `must be a pod count or a percentage, but is ${x === null ? 'null' : typeof x}`, fix: "write a count such as 1, or a percentage such as '25%'" };
    if (/^[0-9]+%$/.test(x)) return Number(x.slice(0, -1)) <= 100 ? undefined : { message: 'must be at most 100%', fix: "write '100%' or less" };
    if (/^[0-9]+$/.test(x)) return { message: 'must be a pod count or a percentage', fix: `write ${x} (a number) or '${x}%'` };
    if (/^[0-9]*\.[0-9]+%$/.test(x)) return { message: 'must be a pod count or a whole percentage', fix: `write '${Math.round(Number(x.slice(0, -1)))}%'` };
    return { message: 'must be a pod count or a percentage', fix: "write a count such as 1, or a percentage such as '25%'" };
  },
  () => [0, 1, '25%', '0%', '100%'],
);

/** Whether a pod count or percentage (a Deployment's maxSurge, a budget's maxUnavailable) is zero: 0, '0%' or '00%'. */
export function isZeroIntOrPercent(x: unknown): boolean {
  return x === 0 || (typeof x === 'string' && /^0+%$/.test(x));
}

/** Parses a value of `intOrPercent`, for rules that compare them: `{ n, percent }`. */
export function parseIntOrPercent(x: number | string): { readonly n: number; readonly percent: boolean } {
  return typeof x === 'number' ? { n: x, percent: false } : { n: Number(x.slice(0, -1)), percent: true };
}

/** A container image reference. Whether it must be pinned is checked with the container. */
export const imageRef: Spec<string> = v.string({
  allowed: "'[registry/]repository:tag' or '[registry/]repository@sha256:<digest>' with a lowercase repository",
  samples: ['nginx:1.27.2', 'ghcr.io/acme/web:2.1.0', `registry.example.com:5000/team/app@sha256:${'a'.repeat(64)}`],
  check: (s) => (parseImage(s) ? undefined : { message: 'is not a valid image reference', fix: imageFix(s) }),
});

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** An env var name problem, or undefined. */
export function envNameProblem(name: string): Problem | undefined {
  return ENV_NAME.test(name) ? undefined : {
    message: 'has an invalid variable name',
    allowed: "letters, digits, '_', '-' and '.', not starting with a digit",
    fix: /^[0-9]/.test(name) ? `rename it, e.g. '_${name}' or 'VAR_${name}'` : 'use names like LOG_LEVEL',
  };
}

/** An env value: a string or an EnvValue. */
export const envValue: Spec<string | EnvValue> = v.union(
  v.string(),
  v.instance(EnvValue, 'an EnvValue', () => [EnvValue.value('v'), EnvValue.fromSecret('s', 'k'), EnvValue.fromField('metadata.name')]),
  "a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...)",
  uncalledEnvValueFix,
);

/** Env vars: names to strings or EnvValues. */
export const envMap: Spec<Record<string, string | EnvValue>> = v.record(envValue, { key: envNameProblem, keys: ['LOG_LEVEL', 'PORT'] });

/** The Probe factory call for a Kubernetes probe object written by hand (`{ httpGet: { path, port } }`). */
function rawProbeFix(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, any>;
  const lit = (x: unknown) => (typeof x === 'string' ? `'${x}'` : String(x));
  const timing = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'].filter((k) => typeof o[k] === 'number').map((k) => `${k}: ${o[k]}`);
  const opts = (port: unknown, more: string[] = []) => {
    const all = [...(port !== undefined ? [`port: ${lit(port)}`] : []), ...more, ...timing];
    return all.length ? `{ ${all.join(', ')} }` : '';
  };
  if (o.httpGet && typeof o.httpGet === 'object') {
    const scheme = o.httpGet.scheme === 'HTTPS' ? ["scheme: 'HTTPS'"] : [];
    const args = opts(o.httpGet.port, scheme);
    return `write Probe.http('${typeof o.httpGet.path === 'string' ? o.httpGet.path : '/'}'${args ? `, ${args}` : ''}) (timonel's factories build the Kubernetes probe)`;
  }
  if (o.tcpSocket && typeof o.tcpSocket === 'object') return `write Probe.tcp(${opts(o.tcpSocket.port)}) (timonel's factories build the Kubernetes probe)`;
  if (o.grpc && typeof o.grpc === 'object') return `write Probe.grpc(${opts(o.grpc.port)}) (timonel's factories build the Kubernetes probe)`;
  if (o.exec && typeof o.exec === 'object' && Array.isArray(o.exec.command)) {
    const t = opts(undefined);
    return `write Probe.exec(${JSON.stringify(o.exec.command).replace(/"/g, "'")}${t ? `, ${t}` : ''}) (timonel's factories build the Kubernetes probe)`;
  }
  return "make one with Probe.http('/healthz'), Probe.tcp(), Probe.grpc() or Probe.exec([...])";
}

// Values that mean "no probe" in other tools or in a hurry: `false` is what turns a probe off.
const PROBE_OFF: readonly unknown[] = ['off', 'none', 'false', 'no', 'disabled', 'disable', '0', 0];

/** The fix of a function where a Probe goes: the factory passed, called (`Probe.http` -> `Probe.http('/healthz')`). */
function uncalledProbeFix(f: unknown): string {
  const calls: ReadonlyArray<[unknown, string, string]> = [
    [Probe.http, 'Probe.http', "Probe.http('/healthz')"], [Probe.tcp, 'Probe.tcp', 'Probe.tcp()'],
    [Probe.grpc, 'Probe.grpc', 'Probe.grpc()'], [Probe.exec, 'Probe.exec', "Probe.exec(['cat', '/tmp/healthy'])"],
  ];
  const hit = calls.find(([factory]) => factory === f);
  return hit ? `call the factory: ${hit[2]} rather than ${hit[1]}` : "pass a Probe, not a function: call a factory, e.g. Probe.http('/healthz') or Probe.tcp()";
}

/** A Probe made by its factories. */
export const probe: Spec<Probe | false> = v.union(
  v.instance(
    Probe, 'a Probe: Probe.http(path), Probe.tcp(), Probe.grpc() or Probe.exec([...])',
    () => [Probe.http('/healthz'), Probe.tcp(), Probe.tcp({ port: 'nope' }), Probe.http('/ready', { successThreshold: 2 }), Probe.exec(['true']), Probe.grpc({ port: 9090 })],
    (value) => {
      if (PROBE_OFF.includes(value as never)) return value === 'false' ? 'write false without quotes, which turns the probe off' : 'write false to turn the probe off';
      if (typeof value === 'string') return value.startsWith('/') ? `write Probe.http('${value}') instead of a path, or Probe.tcp()` : "write Probe.http('/healthz'), Probe.tcp() or Probe.exec([...])";
      if (typeof value === 'function') return uncalledProbeFix(value);
      if (value === true) return 'leave the prop out for the default probe, or pass a Probe';
      return rawProbeFix(value);
    },
  ),
  v.off(),
  'a Probe (Probe.http(path), Probe.tcp(), Probe.grpc() or Probe.exec([...])), or false to turn the probe off',
);

/** Probe timing fields (Probe factories check them). */
export const probeTiming = {
  initialDelaySeconds: v.int({ min: 0 }),
  periodSeconds: v.int({ min: 1 }),
  timeoutSeconds: v.int({ min: 1 }),
  failureThreshold: v.int({ min: 1 }),
  successThreshold: v.int({ min: 1 }),
} satisfies Record<keyof ProbeTiming, Spec<number>>;

/** A liveness or startup probe must have successThreshold 1 (Kubernetes' rule). */
export function checkProbeKinds(c: { readonly liveness?: Probe | false; readonly startup?: Probe | false }, issue: (prop: string, p: Problem & { value?: unknown }) => void): void {
  for (const kind of ['liveness', 'startup'] as const) {
    const t = c[kind] ? (c[kind] as Probe).timing.successThreshold : undefined;
    if (t !== undefined && t !== 1) {
      issue(`${kind}.successThreshold`, {
        message: `must be 1 for a ${kind} probe`, value: t, allowed: '1', fix: 'leave it out, or set it on the readiness probe',
      });
    }
  }
}

/**
 * A probe's port name must be one of the container's ports (`declareIn`: where a port can be
 * declared, named in the fix). Port numbers are checked when the pod is rendered (`Probe.render`),
 * for every workload, custom ones included, since only then are all the container's ports known.
 */
export function checkProbePorts(
  c: { readonly liveness?: Probe | false; readonly readiness?: Probe | false; readonly startup?: Probe | false },
  ports: ReadonlyArray<{ readonly name: string; readonly port: number }>,
  issue: (prop: string, p: Problem & { value?: unknown }) => void,
  declareIn?: string,
): void {
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const p = c[kind];
    const port = p ? p.port : undefined;
    if (typeof port === 'string' && !ports.some((x) => x.name === port)) {
      issue(`${kind}.port`, {
        message: 'names a port the container does not have, so the probe can never pass', value: port,
        allowed: ports.length ? ports.map((x) => `'${x.name}'`).join(', ') : 'a port number (the container has no named ports)',
        fix: ports.length
          ? `use one of the names, e.g. { port: '${ports[0].name}' }${declareIn ? `, or declare a port named '${port}' in '${declareIn}'` : ''}`
          : 'pass the port number, e.g. { port: 8080 }',
      });
    }
  }
}

/** The prefix of connection env vars: letters, digits and '_', not starting with a digit. */
export const envPrefix: Spec<string> = v.string({
  allowed: "upper-case letters, digits and '_', not starting with a digit, e.g. 'DB'",
  samples: ['DB', 'ORDER_DB'],
  check: (s) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) return { message: 'is not a valid env var prefix', fix: envPrefixFix(s) };
    // The names it starts end in upper case ('_HOST', '_PASSWORD'): 'db' would give 'db_HOST', which an app reading DB_HOST never sees.
    if (/[a-z]/.test(s)) return { message: `has lower-case letters, but the names it starts end in upper case ('${s}_HOST', '${s}_PORT')`, fix: `write '${s.toUpperCase()}'; for names of another form, name each variable: env: { host: '…', port: '…' }` };
    return undefined;
  },
});

/** The fix of an invalid env var prefix: '-' and other characters made '_', a leading digit prefixed. */
export function envPrefixFix(s: string): string {
  const near = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1').toUpperCase();
  return near !== '' && near !== s ? `write '${near}'` : "use letters, digits and '_', e.g. 'ORDERS_DB'";
}


/** The fix of a sidecar or init container without a name: one from its image ('envoyproxy/envoy:v1' -> 'envoy'). */
export function containerNameFix(image: unknown): string {
  const base = typeof image === 'string' ? image.replace(/[@:].*$/, '').split('/').pop() ?? '' : '';
  const near = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return `add name: '${near !== '' ? near : 'helper'}' (each container of a pod needs its own name)`;
}

/** A URL scheme (`connectTo`'s `envForm: 'url'`). */
export const urlScheme: Spec<string> = v.string({
  allowed: "a lowercase URL scheme such as 'http', 'postgresql' or 'redis'",
  samples: ['redis', 'postgresql', 'http'],
  check: (s) => {
    if (/^[a-z][a-z0-9+.-]*$/.test(s)) return undefined;
    const near = s.toLowerCase().replace(/:.*$/, '').replace(/[^a-z0-9+.-]/g, '');
    return { message: 'is not a URL scheme', fix: /^[a-z][a-z0-9+.-]*$/.test(near) ? `write '${near}' (the scheme alone: timonel writes '://')` : "use a scheme such as 'http', 'postgresql' or 'redis'" };
  },
});

/** An env var name. */
export const envName: Spec<string> = v.string({
  allowed: "an env var name: letters, digits, '_', '-' and '.', not starting with a digit, e.g. 'DATABASE_URL'",
  samples: ['DATABASE_URL'],
  check: (s) => envNameProblem(s) && { message: 'is not a valid variable name', fix: envNameFix(s) },
});

// 'my addr' -> 'MY_ADDR', '1url' -> '_1URL'.
function envNameFix(name: string): string {
  const near = name.trim().replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  if (near === '') return "write a name such as 'DATABASE_URL'";
  return `write '${/^[0-9]/.test(near) ? `_${near}` : near}'`;
}
