import { NameRule } from '../core/names';
import { numberInString } from '../core/numbers';
import { cidr, controllerRef, internetExceptCidrs, labelMap, nameSpec, protocol } from '../core/specs';
import { Spec, v } from '../core/validation';
import type {
  AdmitAnySourceOptions, AdmitIngressControllerOptions, AllowEgressOptions, AppEgressOptions, EgressPortsOptions, InternetEgressOptions,
  NamespaceEgressOptions, TrafficPort,
} from './network';

// The specs of EgressTarget's arguments and NetworkAccess's options, apart from network.ts so
// that it can check them without a run-time import cycle (as connection-specs.ts does for connectTo).

// The numbers of the port names people write most, for the fix of `ports: ['https']`.
const WELL_KNOWN_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, dns: 53, ssh: 22, smtp: 25, submission: 587, ldap: 389, ldaps: 636,
  postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, mongodb: 27017, amqp: 5672, kafka: 9092, otlp: 4317,
};

/** What a NetworkPolicy port of timonel is, for messages. */
export const TRAFFIC_PORT_ALLOWED = 'a port number from 1 to 65535, or { port, endPort?, protocol? }';

function namedPortFix(value: unknown): string | undefined {
  if (typeof value !== 'string' || numberInString(value) !== undefined) return undefined;
  const known = WELL_KNOWN_PORTS[value.toLowerCase()];
  return 'write the port number: a named port only means something on the destination pod, which timonel does not know here'
    + (known !== undefined ? `; '${value}' is usually ${known}` : ", e.g. 443 for 'https'");
}

// In a NetworkPolicy a named port would be looked up on the destination pods; for addresses, a
// namespace or the internet there are none timonel knows, so only numbers are accepted.
const egressPortNumber = v.int({ min: 1, max: 65535, message: 'must be a port number', fix: namedPortFix });

const trafficPortObject = v.object<TrafficPort>()({
  port: v.required(egressPortNumber),
  endPort: egressPortNumber,
  protocol,
}, {
  what: 'port field',
  check: (p, r) => {
    if (p.endPort !== undefined && p.endPort < p.port) {
      r.issue('endPort', { message: `must be at least port (${p.port})`, value: p.endPort, allowed: `${p.port} or more (port)`, fix: `write endPort: ${p.port} or more, or leave it out for one port` });
    }
  },
});

/** A port or a range of ports of a traffic rule: `443` or `{ port: 8000, endPort: 8010, protocol: 'UDP' }`. */
export const trafficPort: Spec<number | TrafficPort> = v.union(egressPortNumber, trafficPortObject, TRAFFIC_PORT_ALLOWED);

/** The ports of a traffic rule: at least one (an empty list would mean every port). */
export const trafficPorts: Spec<ReadonlyArray<number | TrafficPort>> = v.array(trafficPort, {
  minItems: 1, allowed: `a list of at least one port: ${TRAFFIC_PORT_ALLOWED}, e.g. [443]`,
}) as Spec<ReadonlyArray<number | TrafficPort>>;

const requiredPorts = v.required(trafficPorts, { message: 'is required', fix: 'pass the destination ports, e.g. { ports: [443] }' });

/** `EgressTarget.cidrs`'s list of CIDRs (an argument). */
export const EGRESS_CIDRS = v.required(v.array(cidr, { minItems: 1, allowed: `a list of at least one CIDR: ${cidr.allowed}` }) as Spec<string[]>, {
  message: 'is required', fix: "pass a list of CIDRs, e.g. EgressTarget.cidrs(['203.0.113.0/24'], { ports: [443] })",
});

/** `EgressTarget.namespace`'s namespace (an argument). */
export const EGRESS_NAMESPACE = v.required(nameSpec(NameRule.DNS_1123_LABEL), { message: 'is required', fix: "pass the namespace's name, e.g. EgressTarget.namespace('monitoring')" });

/** EgressTarget.cidrs's options. */
export const CIDRS_EGRESS_OPTIONS = v.object<EgressPortsOptions>()({ ports: requiredPorts }, { what: 'option of EgressTarget.cidrs' });

/** EgressTarget.internet's options. */
export const INTERNET_EGRESS_OPTIONS = v.object<InternetEgressOptions>()({
  ports: requiredPorts,
  except: internetExceptCidrs,
}, { what: 'option of EgressTarget.internet' });

/** EgressTarget.namespace's options. */
export const NAMESPACE_EGRESS_OPTIONS = v.object<NamespaceEgressOptions>()({
  ports: trafficPorts,
  podLabels: labelMap,
}, { what: 'option of EgressTarget.namespace' });

/** EgressTarget.app's options. */
export const APP_EGRESS_OPTIONS = v.object<AppEgressOptions>()({ ports: trafficPorts, allowCrossNamespace: v.boolean() }, { what: 'option of EgressTarget.app' });

/** allowEgress's options. */
export const ALLOW_EGRESS_OPTIONS = v.object<AllowEgressOptions>()({
  dns: v.oneOf(['kube-dns', 'any'] as const),
}, { what: 'option of allowEgress' });

/** NetworkAccess.admitIngressController's options. */
export const ADMIT_INGRESS_CONTROLLER_OPTIONS = v.object<AdmitIngressControllerOptions>()({
  ports: requiredPorts,
  controller: controllerRef,
}, { what: 'option of admitIngressController' });

/** NetworkAccess.admitAnySource's options. */
export const ADMIT_ANY_SOURCE_OPTIONS = v.object<AdmitAnySourceOptions>()({ ports: requiredPorts }, { what: 'option of admitAnySource' });
