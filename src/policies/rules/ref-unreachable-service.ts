import { fieldPath, ObjectSet, PolicyObject } from '../model';
import { defineRule } from '../rule';
import { TrafficEvaluator } from '../traffic';
import { arr, obj } from './util';

const ID = 'ref-unreachable-service';

/** Env names whose bare value is an address (`DB_HOST=shop-db`); other values count only as a URL or `host:port`. */
const ADDRESS_NAME = /(HOST|HOSTS|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|URL|URI|ENDPOINT|ENDPOINTS|DSN|BROKERS)$/i;
const URL_FORM = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#[\]]+)(?::(\d{1,5}))?/i;
const HOST_PORT = /^([a-z0-9][a-z0-9.-]*):(\d{1,5})$/i;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

interface Named {
  /** The env var as the container sees it. */
  readonly env: string;
  readonly field: string;
  readonly host: string;
  readonly port?: number;
}

interface ServiceRef {
  readonly name: string;
  readonly namespace: string;
  readonly object: PolicyObject;
}

/** The hosts a value names: a URL, `host:port` or (for an address-like env name) a host; a list splits on commas and spaces. */
function hostsIn(env: string, value: string, field: string): Named[] {
  const out: Named[] = [];
  for (const part of value.split(/[\s,;]+/)) {
    if (part === '') continue;
    const url = URL_FORM.exec(part);
    const hp = url ? undefined : HOST_PORT.exec(part);
    const m = url ?? hp;
    if (m) {
      out.push({ env, field, host: m[1].toLowerCase(), port: m[2] === undefined ? undefined : Number(m[2]) });
    } else if (ADDRESS_NAME.test(env) && HOST.test(part)) {
      out.push({ env, field, host: part.toLowerCase() });
    }
  }
  return out;
}

/**
 * The Service of the set a host names from namespace `ns`: `svc`, `svc.ns`, `svc.ns.svc[.<domain>]`,
 * or a pod of a headless Service (`<pod>.svc`, `<pod>.svc.ns…`).
 */
function serviceOf(host: string, ns: string, set: ObjectSet): ServiceRef | undefined {
  const labels = host.split('.');
  const at = (i: number): ServiceRef | undefined => {
    const name = labels[i];
    const rest = labels.slice(i + 1);
    // After the Service: nothing, its namespace, or its namespace and 'svc' and the cluster domain.
    if (rest.length > 1 && rest[1] !== 'svc') return undefined;
    const namespace = rest[0] ?? ns;
    const object = set.get('Service', namespace, name) ?? (namespace === 'default' ? set.get('Service', '', name) : undefined);
    return object ? { name, namespace, object } : undefined;
  };
  return at(0) ?? (labels.length > 1 ? at(1) : undefined);
}

/** What a container's env sets: literal values, and the in-set ConfigMap values it reads. */
function envOf(o: PolicyObject, set: ObjectSet): Named[] {
  const out: Named[] = [];
  const configMap = (name: unknown) => (typeof name === 'string' ? set.get('ConfigMap', o.ns, name) : undefined);
  for (const c of o.pod!.containers) {
    const base = fieldPath(c.path, 'env');
    arr(c.container.env).forEach((e, i) => {
      const { name, value, valueFrom } = obj(e);
      if (typeof name !== 'string') return;
      if (typeof value === 'string') out.push(...hostsIn(name, value, `${base}[${i}].value`));
      const ref = obj(obj(valueFrom).configMapKeyRef);
      const data = obj(configMap(ref.name)?.manifest.data);
      if (typeof ref.key === 'string' && typeof data[ref.key] === 'string') out.push(...hostsIn(name, data[ref.key], `${base}[${i}].valueFrom.configMapKeyRef`));
    });
    arr(c.container.envFrom).forEach((e, i) => {
      const ref = obj(obj(e).configMapRef);
      const prefix = typeof obj(e).prefix === 'string' ? obj(e).prefix : '';
      for (const [k, v] of Object.entries(obj(configMap(ref.name)?.manifest.data))) {
        if (typeof v === 'string') out.push(...hostsIn(prefix + k, v, `${fieldPath(c.path, 'envFrom')}[${i}].configMapRef`));
      }
    });
  }
  return out;
}

/**
 * A pod whose env names a Service of the set (`DB_HOST=shop-db`, `postgres://shop-db:5432/shop`,
 * a ConfigMap value it reads) can reach that Service's pods through the set's NetworkPolicies: an
 * address that the policies block is a connection someone forgot to declare (a Migration or a
 * Worker given its database by hand, without `connectTo`).
 */
export default defineRule({
  id: ID,
  severity: 'warning',
  category: 'consistency',
  rationale: "A pod whose env names a Service that the set's NetworkPolicies block it from reaching times out at run time; the env may be unused, hence a warning.",
  pods: true,
  check(o, report, set) {
    if (set.ofKind('NetworkPolicy').length === 0) return;
    const seen = new Set<string>();
    for (const named of envOf(o, set)) {
      const svc = serviceOf(named.host, o.ns, set);
      if (!svc) continue;
      const spec = obj(svc.object.manifest.spec);
      const selector = obj(spec.selector);
      if (Object.keys(selector).length === 0) continue;
      const targets = set.selectPods(svc.object.ns, { matchLabels: selector });
      // One that selects no pods of the set, or its own Service (OTEL_SERVICE_NAME and the like).
      if (targets.length === 0 || targets.includes(o)) continue;
      const ports = arr(spec.ports).map((p) => obj(p)).filter((p) => typeof p.port === 'number' && (p.protocol ?? 'TCP') === 'TCP');
      const dialled = named.port !== undefined && ports.some((p) => p.port === named.port) ? ports.filter((p) => p.port === named.port) : ports;
      if (dialled.length === 0) continue;
      const key = `${svc.namespace}/${svc.name}`;
      if (seen.has(key)) continue;
      // By the Service's target port: another Service of the pods may send the same port number elsewhere.
      const verdicts = dialled.map((p) => verdict(o, targets[0], typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : p.port, set));
      if (verdicts.some((v) => v === undefined || v.allowed)) continue;
      seen.add(key);
      const first = verdicts[0]!;
      const blocked = !first.egress.allowed && !first.ingress.allowed ? "this pod's egress and its pods' ingress"
        : !first.egress.allowed ? "this pod's egress" : "its pods' ingress";
      report({
        field: named.field,
        message: `'${named.env}' names the Service '${svc.name}'${svc.namespace !== o.ns ? ` in namespace '${svc.namespace}'` : ''}, but the NetworkPolicies block ${blocked}: ${first.explanation}`,
        fix: `declare the connection to the workload behind '${svc.name}' (${o.kind === 'Job' ? `a one-off Job takes it when created: connectTo: [${idOf(targets[0], 'that workload')}]` : `${idOf(o, 'this workload')}.connectTo(${idOf(targets[0], 'that workload')})`}; timonel writes both sides' policies and the env), or admit it with allowFrom on that workload${first.egress.allowed ? '' : ' and an egress allowance on this one'}; if the pod never connects to it, remove the env or suppress ${ID} with the reason`,
      });
    }
  },
});

/** The evaluator's verdict from `o`'s pods to `target`'s on a container port (number or name); undefined when it cannot tell. */
function verdict(o: PolicyObject, target: PolicyObject, port: number | string, set: ObjectSet) {
  // A set the evaluator refuses (a malformed NetworkPolicy, two objects of one name) is one it cannot tell about.
  const ev = set.memoize('traffic-evaluator', () => {
    try {
      return TrafficEvaluator.fromManifests(set.objects.map((x) => x.manifest));
    } catch {
      return undefined;
    }
  });
  if (!ev) return undefined;
  try {
    const ns = (x: PolicyObject) => x.namespace ?? 'default';
    return ev.check({ from: { namespace: ns(o), labels: o.pod!.labels }, to: { namespace: ns(target), labels: target.pod!.labels }, port });
  } catch {
    return undefined; // labels shared by several workloads, a port the evaluator cannot place: no finding
  }
}

/** How the code names the workload of `x`: its construct id ('db' for 'shop/db/Resource'); `<what>` for YAML without constructs. */
function idOf(x: PolicyObject, what: string): string {
  const parts = x.subject.constructPath?.split('/') ?? [];
  return parts.length >= 2 && parts[parts.length - 1] === 'Resource' ? parts[parts.length - 2] : `<${what}>`;
}
