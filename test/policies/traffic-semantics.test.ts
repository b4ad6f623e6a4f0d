// The evaluator against networking.k8s.io/v1 NetworkPolicy semantics on hand-written manifests,
// ported from trial Q's audit (its case table; J10 is in traffic.test.ts, as an error). Every case
// names the Kubernetes rule that decides its answer.
import { TrafficEvaluator, TrafficEvaluatorOptions, TrafficQuery } from '../../src/policies/traffic';
import { deploy, np, ns, pod, svc, W, world } from './traffic-world';

// Rules (Kubernetes docs, concepts/services-networking/network-policies and the NetworkPolicy API reference)
const R = {
  DEFAULT: 'NP docs "The two sorts of pod isolation": by default a pod is non-isolated; all connections allowed',
  ISOLATE_IN: 'NP docs: a pod is isolated for ingress if any NetworkPolicy selects it and has "Ingress" in policyTypes',
  ISOLATE_EG: 'NP docs: a pod is isolated for egress if any NetworkPolicy selects it and has "Egress" in policyTypes',
  EMPTY_POD_SEL: 'API spec.podSelector: "An empty podSelector selects all pods in this namespace"',
  TYPES_DEFAULT: 'API spec.policyTypes: if not specified, Ingress always; Egress only if the policy has egress rules (SetDefaults_NetworkPolicySpec: len(spec.egress) != 0)',
  TYPES_ONLY: 'API spec.policyTypes: only the listed directions are affected; rules of the other direction are ignored',
  INGRESS_EMPTY: 'API spec.ingress: "If this field is empty then this NetworkPolicy does not allow any traffic"',
  RULE_EMPTY: 'API ingress rule: from empty/missing matches all sources; ports empty/missing matches all ports',
  FROM_EMPTY: 'API NetworkPolicyIngressRule.from: "If this field is empty or missing, this rule matches all sources"',
  POD_ONLY: 'API NetworkPolicyPeer.podSelector without namespaceSelector: pods in the policy\'s own namespace',
  NS_ONLY: 'API NetworkPolicyPeer.namespaceSelector without podSelector: all pods in the selected namespaces',
  NS_EMPTY: 'API namespaceSelector: "if present but empty, it selects all namespaces"',
  AND_OR: 'NP docs "Behavior of to and from selectors": both selectors in one peer = AND; separate peers = OR',
  SEL_EXPR: 'Labels docs: In/NotIn/Exists/DoesNotExist; "notin" also selects resources without the key; matchLabels and matchExpressions are ANDed',
  IPBLOCK: 'API IPBlock: cidr, minus the except CIDRs; ipBlock matches addresses (pods only when an ip is given, evaluator doc)',
  PORT: 'API NetworkPolicyPort: numeric or named port "on a pod"; protocol defaults to TCP; only traffic on that protocol AND port',
  NAMED_PORT: 'API NetworkPolicyPort.port: a named port is resolved on the destination pod (per pod)',
  END_PORT: 'API NetworkPolicyPort.endPort: range port..endPort inclusive',
  PORT_OMITTED: 'API NetworkPolicyPort.port: "If this field is not provided, this matches all port names and numbers" (for the protocol)',
  UNION: 'NP docs: "Network policies do not conflict; they are additive" (union of rules)',
  NAMESPACED: 'NetworkPolicy is namespaced: spec.podSelector selects pods of the policy\'s namespace only',
  BOTH: 'NP docs: both the egress policy of the source and the ingress policy of the destination must allow the connection',
  NS_LABEL: 'Namespace docs: the control plane sets the immutable label kubernetes.io/metadata.name = the namespace name on all namespaces',
  SVC: 'Service docs + TrafficQuery.port doc: policies see the pod after DNAT; a Service port maps to its targetPort (number, or name resolved on each pod); a Service selects pods of its own namespace only',
  KINDS: 'Pods of Deployment/StatefulSet/DaemonSet/Job (spec.template) and CronJob (spec.jobTemplate.spec.template) carry the template labels',
  QUERY: 'TrafficPeer/TrafficQuery docs (query forms)',
  CONTAINER_PORTS: 'Pod API containers[].ports: "Not specifying a port here DOES NOT prevent that port from being exposed"; a numeric policy port matches the number',
};

type Case = {
  id: string; what: string; rule: string; extra?: any[]; opts?: TrafficEvaluatorOptions;
  query: TrafficQuery; expected: boolean; noWorld?: boolean;
};

const q = (from: any, to: any, port: number | string, protocol?: any): TrafficQuery =>
  ({ from: typeof from === 'string' ? W(from) : from, to: typeof to === 'string' ? W(to) : to, port, ...(protocol ? { protocol } : {}) });

// Reusable policies
const denyAllIngress = (n: string) => np('deny-in', n, { podSelector: {}, policyTypes: ['Ingress'] });
const denyAllEgress = (n: string) => np('deny-out', n, { podSelector: {}, policyTypes: ['Egress'] });
const toApiFrom = (peers: any[]) => np('api-in', 'prod', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: peers }] });
const podExpr = (...exprs: any[]) => toApiFrom([{ namespaceSelector: {}, podSelector: { matchExpressions: exprs } }]);
const ipIn = (ipBlock: any) => np('ip-in', 'prod', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock }] }] });
const prodPorts = (ports: any[]) => np('ports', 'prod', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports }] });
const edge = (name: string, http: number) => deploy(name, 'prod', { role: 'edge', app: name }, [{ containerPort: http, name: 'http' }]);

const cases: Case[] = [
  // --- isolation and policyTypes
  { id: 'A1', what: 'no policy at all', rule: R.DEFAULT, query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'A2', what: 'empty podSelector + [Ingress], no rules: other ns denied', rule: `${R.EMPTY_POD_SEL}; ${R.INGRESS_EMPTY}`, extra: [denyAllIngress('prod')], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'A3', what: 'same deny-in policy: egress of prod pods unaffected', rule: R.ISOLATE_EG, extra: [denyAllIngress('prod')], query: q('prod/web', 'dev/web', 8080), expected: true },
  { id: 'A4', what: 'podSelector app=api deny-in: web not selected', rule: R.ISOLATE_IN, extra: [np('p', 'prod', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'A5', what: 'policyTypes omitted, no rules at all -> Ingress implied', rule: R.TYPES_DEFAULT, extra: [np('p', 'prod', { podSelector: {} })], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'A6', what: 'policyTypes omitted, egress rules present -> Egress implied', rule: R.TYPES_DEFAULT, extra: [np('p', 'prod', { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })], query: q('prod/web', 'dev/web', 8080), expected: false },
  { id: 'A6b', what: 'policyTypes omitted, egress rules present: the allowed egress passes', rule: R.TYPES_DEFAULT, extra: [np('p', 'prod', { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })], query: q('prod/web', 'prod/api', 9090), expected: false /* ingress of api is also isolated (Ingress implied, no ingress rules) */ },
  { id: 'A7', what: 'policyTypes omitted, egress: [] -> Egress NOT implied', rule: R.TYPES_DEFAULT, extra: [np('p', 'prod', { podSelector: {}, egress: [] })], query: q('prod/web', 'dev/web', 8080), expected: true },
  { id: 'A8', what: 'policyTypes omitted with egress rules: Ingress still implied', rule: R.TYPES_DEFAULT, extra: [np('p', 'prod', { podSelector: {}, egress: [{}] })], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'A9', what: 'policyTypes [Egress], egress: [] -> egress deny-all', rule: `${R.ISOLATE_EG}; ${R.TYPES_ONLY}`, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Egress'], egress: [] })], query: q('prod/web', 'dev/web', 8080), expected: false },
  { id: 'A10', what: 'policyTypes [Egress] only: ingress open', rule: R.TYPES_ONLY, extra: [denyAllEgress('prod')], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'A11', what: 'policyTypes [Ingress] with restrictive egress rules: egress ignored', rule: R.TYPES_ONLY, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}], egress: [{ to: [{ podSelector: { matchLabels: { app: 'nothing' } } }] }] })], query: q('prod/web', 'dev/web', 8080), expected: true },
  { id: 'A12', what: 'policyTypes [Egress] with ingress: [] present: ingress ignored', rule: R.TYPES_ONLY, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Egress'], ingress: [], egress: [{}] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  // --- ingress rules
  { id: 'B1', what: 'ingress: [] explicit', rule: R.INGRESS_EMPTY, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'B2', what: 'ingress: [{}] allows all', rule: R.RULE_EMPTY, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'B3', what: 'rule without from, ports [8080]: any source on 8080', rule: R.RULE_EMPTY, extra: [prodPorts([{ port: 8080 }])], query: q('ops/backup', 'prod/web', 8080), expected: true },
  { id: 'B4', what: 'rule without from, ports [8080]: 9100 denied', rule: R.RULE_EMPTY, extra: [prodPorts([{ port: 8080 }])], query: q('ops/backup', 'prod/web', 9100), expected: false },
  { id: 'B5', what: 'from: [] matches all sources', rule: R.FROM_EMPTY, extra: [np('p', 'prod', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [] }] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'B6', what: 'rule without from admits an external address', rule: R.RULE_EMPTY, extra: [prodPorts([{ port: 8080 }])], query: q({ ip: '203.0.113.7' }, 'prod/web', 8080), expected: true },
  // --- peers
  { id: 'C1', what: 'podSelector only: same-namespace pod', rule: R.POD_ONLY, extra: [toApiFrom([{ podSelector: { matchLabels: { app: 'web' } } }])], query: q('prod/web', 'prod/api', 9090), expected: true },
  { id: 'C2', what: 'podSelector only: same labels in another namespace denied', rule: R.POD_ONLY, extra: [toApiFrom([{ podSelector: { matchLabels: { app: 'web' } } }])], query: q('dev/web', 'prod/api', 9090), expected: false },
  { id: 'C3', what: 'namespaceSelector only: every pod of dev', rule: R.NS_ONLY, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } } }])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'C3b', what: 'namespaceSelector only: pod of prod denied', rule: R.NS_ONLY, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } } }])], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'C4', what: 'namespaceSelector {}: CronJob pod in ops', rule: R.NS_EMPTY, extra: [toApiFrom([{ namespaceSelector: {} }])], query: q('ops/backup', 'prod/api', 9090), expected: true },
  { id: 'C4b', what: 'namespaceSelector {}: pod in a namespace with no Namespace object', rule: R.NS_EMPTY, extra: [toApiFrom([{ namespaceSelector: {} }])], query: q('ghost/stray', 'prod/api', 9090), expected: true },
  { id: 'C4c', what: 'namespaceSelector {}: pod in default (no namespace in manifest)', rule: R.NS_EMPTY, extra: [toApiFrom([{ namespaceSelector: {} }])], query: q('default/loner', 'prod/api', 9090), expected: true },
  { id: 'C4d', what: 'namespaceSelector {}: an address is not a pod', rule: R.NS_EMPTY, extra: [toApiFrom([{ namespaceSelector: {} }])], query: q({ ip: '203.0.113.7' }, 'prod/api', 9090), expected: false },
  { id: 'C5', what: 'ns AND pod in one peer: dev/web', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } }])], query: q('dev/web', 'prod/api', 9090), expected: true },
  { id: 'C5b', what: 'ns AND pod in one peer: dev/cli denied', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } }])], query: q('dev/cli', 'prod/api', 9090), expected: false },
  { id: 'C5c', what: 'ns AND pod in one peer: prod/web denied', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } }])], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'C6', what: 'two peers (OR): dev/cli via ns', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'web' } } }])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'C6b', what: 'two peers (OR): prod/web via pod', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'web' } } }])], query: q('prod/web', 'prod/api', 9090), expected: true },
  { id: 'C6c', what: 'two peers (OR): ops/backup matches neither', rule: R.AND_OR, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'web' } } }])], query: q('ops/backup', 'prod/api', 9090), expected: false },
  { id: 'C7', what: 'podSelector {} alone: pods of the policy ns', rule: R.POD_ONLY, extra: [toApiFrom([{ podSelector: {} }])], query: q('prod/agent', 'prod/api', 9090), expected: true },
  { id: 'C7b', what: 'podSelector {} alone: other ns denied', rule: R.POD_ONLY, extra: [toApiFrom([{ podSelector: {} }])], query: q('dev/cli', 'prod/api', 9090), expected: false },
  { id: 'C8', what: 'kubernetes.io/metadata.name on a namespace with no Namespace object', rule: R.NS_LABEL, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ghost' } } }])], query: q('ghost/stray', 'prod/api', 9090), expected: true },
  { id: 'C9', what: 'kubernetes.io/metadata.name on a Namespace without labels (Job pod)', rule: R.NS_LABEL, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }])], query: q('ops/migrate', 'prod/api', 9090), expected: true },
  { id: 'C10', what: 'Namespace object sets kubernetes.io/metadata.name to another name: the control plane overwrites it', rule: R.NS_LABEL, extra: [ns('spoof', { 'kubernetes.io/metadata.name': 'prod' }), pod('p', 'spoof', { app: 'x' }), toApiFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } }])], query: q('spoof/p', 'prod/api', 9090), expected: false },
  { id: 'C10b', what: 'same: its real name selects it', rule: R.NS_LABEL, extra: [ns('spoof', { 'kubernetes.io/metadata.name': 'prod' }), pod('p', 'spoof', { app: 'x' }), toApiFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'spoof' } } }])], query: q('spoof/p', 'prod/api', 9090), expected: true },
  { id: 'C11', what: 'namespaceLabels option labels a namespace without object', rule: 'TrafficEvaluatorOptions.namespaceLabels doc', opts: { namespaceLabels: { ghost: { zone: 'z' } } }, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { zone: 'z' } } }])], query: q('ghost/stray', 'prod/api', 9090), expected: true },
  // --- match expressions
  { id: 'D1', what: 'In tier [fe]: web', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'In', values: ['fe'] })], query: q('prod/web', 'prod/api', 9090), expected: true },
  { id: 'D1b', what: 'In tier [fe]: agent (no tier) denied', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'In', values: ['fe'] })], query: q('prod/agent', 'prod/api', 9090), expected: false },
  { id: 'D2', what: 'NotIn tier [fe]: web denied', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'NotIn', values: ['fe'] })], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'D2b', what: 'NotIn tier [fe]: agent without the label matches', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'NotIn', values: ['fe'] })], query: q('prod/agent', 'prod/api', 9090), expected: true },
  { id: 'D3', what: 'Exists tier: web', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'Exists' })], query: q('prod/web', 'prod/api', 9090), expected: true },
  { id: 'D3b', what: 'Exists tier: agent denied', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'Exists' })], query: q('prod/agent', 'prod/api', 9090), expected: false },
  { id: 'D4', what: 'DoesNotExist tier: agent (missing) matches', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'DoesNotExist' })], query: q('prod/agent', 'prod/api', 9090), expected: true },
  { id: 'D4b', what: 'DoesNotExist tier: web denied', rule: R.SEL_EXPR, extra: [podExpr({ key: 'tier', operator: 'DoesNotExist' })], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'D5', what: 'namespaceSelector NotIn env [prod]: ops (no env label)', rule: R.SEL_EXPR, extra: [toApiFrom([{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } }])], query: q('ops/backup', 'prod/api', 9090), expected: true },
  { id: 'D5b', what: 'namespaceSelector NotIn env [prod]: prod denied', rule: R.SEL_EXPR, extra: [toApiFrom([{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } }])], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'D5c', what: 'namespaceSelector DoesNotExist env: ghost (no Namespace object)', rule: R.SEL_EXPR, extra: [toApiFrom([{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] } }])], query: q('ghost/stray', 'prod/api', 9090), expected: true },
  { id: 'D6', what: 'matchLabels AND matchExpressions', rule: R.SEL_EXPR, extra: [toApiFrom([{ podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }] } }])], query: q('prod/web', 'prod/api', 9090), expected: false },
  { id: 'D7', what: 'policy podSelector DoesNotExist tier selects agent', rule: R.SEL_EXPR, extra: [np('p', 'prod', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, policyTypes: ['Ingress'] })], query: q('dev/cli', 'prod/agent', 7000), expected: false },
  { id: 'D7b', what: 'policy podSelector DoesNotExist tier leaves web open', rule: R.SEL_EXPR, extra: [np('p', 'prod', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, policyTypes: ['Ingress'] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  // --- ipBlock
  { id: 'E1', what: 'IPv4 in cidr', rule: R.IPBLOCK, extra: [ipIn({ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] })], query: q({ ip: '203.0.113.7' }, 'prod/web', 8080), expected: true },
  { id: 'E2', what: 'IPv4 in except', rule: R.IPBLOCK, extra: [ipIn({ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] })], query: q({ ip: '203.0.113.200' }, 'prod/web', 8080), expected: false },
  { id: 'E3', what: 'IPv4 outside cidr', rule: R.IPBLOCK, extra: [ipIn({ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] })], query: q({ ip: '198.51.100.1' }, 'prod/web', 8080), expected: false },
  { id: 'E4', what: 'IPv6 in cidr', rule: R.IPBLOCK, extra: [ipIn({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] })], query: q({ ip: '2001:db8:2::1' }, 'prod/web', 8080), expected: true },
  { id: 'E4b', what: 'IPv6 in except', rule: R.IPBLOCK, extra: [ipIn({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] })], query: q({ ip: '2001:db8:1::5' }, 'prod/web', 8080), expected: false },
  { id: 'E4c', what: 'IPv6 non-canonical spelling in cidr', rule: R.IPBLOCK, extra: [ipIn({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] })], query: q({ ip: '2001:0DB8:0002:0000:0000:0000:0000:0001' }, 'prod/web', 8080), expected: true },
  { id: 'E4d', what: 'IPv6 non-canonical spelling in except', rule: R.IPBLOCK, extra: [ipIn({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] })], query: q({ ip: '2001:0db8:0001:0:0:0:0:5' }, 'prod/web', 8080), expected: false },
  { id: 'E5', what: 'IPv4 address vs IPv6-only block', rule: R.IPBLOCK, extra: [ipIn({ cidr: '2001:db8::/32' })], query: q({ ip: '203.0.113.7' }, 'prod/web', 8080), expected: false },
  { id: 'E6', what: 'pod with ip in ipBlock', rule: R.IPBLOCK, extra: [ipIn({ cidr: '10.0.0.0/8' })], query: q({ namespace: 'dev', labels: { app: 'cli' }, ip: '10.1.2.3' }, 'prod/web', 8080), expected: true },
  { id: 'E6b', what: 'pod without ip: ipBlock does not match', rule: R.IPBLOCK, extra: [ipIn({ cidr: '10.0.0.0/8' })], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'E7', what: 'egress ipBlock 443 to the address', rule: R.IPBLOCK, extra: [np('eg', 'prod', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] })], query: q('prod/web', { ip: '203.0.113.9' }, 443), expected: true },
  { id: 'E7b', what: 'egress ipBlock 443: port 80 denied', rule: R.IPBLOCK, extra: [np('eg', 'prod', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] })], query: q('prod/web', { ip: '203.0.113.9' }, 80), expected: false },
  { id: 'E7c', what: 'egress ipBlock: other address denied', rule: R.IPBLOCK, extra: [np('eg', 'prod', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] })], query: q('prod/web', { ip: '198.51.100.1' }, 443), expected: false },
  { id: 'E8', what: 'ipBlock 0.0.0.0/0 does not cover IPv6', rule: R.IPBLOCK, extra: [ipIn({ cidr: '0.0.0.0/0' })], query: q({ ip: '2001:db8::1' }, 'prod/web', 8080), expected: false },
  { id: 'E9', what: 'ipBlock ::/0 except 2001:db8::/32 : global v6 address', rule: R.IPBLOCK, extra: [ipIn({ cidr: '::/0', except: ['2001:db8::/32'] })], query: q({ ip: '2606:4700::1' }, 'prod/web', 8080), expected: true },
  // --- ports
  { id: 'F1', what: 'numeric port 8080', rule: R.PORT, extra: [prodPorts([{ port: 8080 }])], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'F2', what: 'named http on web = 8080', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'http' }])], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'F2b', what: 'named http: 8080 on api (its http is 9090) denied', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'http' }])], query: q('dev/cli', 'prod/api', 8080), expected: false },
  { id: 'F2c', what: 'named http: 9090 on api', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'http' }])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'F2d', what: 'named http: 9090 on web denied', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'http' }])], query: q('dev/cli', 'prod/web', 9090), expected: false },
  { id: 'F2e', what: 'named http on the DaemonSet = 7000', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'http' }])], query: q('dev/cli', 'prod/agent', 7000), expected: true },
  { id: 'F3', what: 'query by name http to api, policy numeric 9090', rule: R.PORT, extra: [prodPorts([{ port: 9090 }])], query: q('dev/cli', 'prod/api', 'http'), expected: true },
  { id: 'F4', what: 'UDP 5353 allowed on UDP', rule: R.PORT, extra: [prodPorts([{ port: 5353, protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 5353, 'UDP'), expected: true },
  { id: 'F4b', what: 'UDP rule: TCP 5353 denied', rule: R.PORT, extra: [prodPorts([{ port: 5353, protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 5353), expected: false },
  { id: 'F5', what: 'rule port without protocol = TCP: UDP denied', rule: R.PORT, extra: [prodPorts([{ port: 5353 }])], query: q('dev/cli', 'prod/api', 5353, 'UDP'), expected: false },
  { id: 'F6', what: 'SCTP 3868', rule: R.PORT, extra: [prodPorts([{ port: 3868, protocol: 'SCTP' }])], query: q('dev/cli', 'prod/api', 3868, 'SCTP'), expected: true },
  { id: 'F6b', what: 'SCTP rule: TCP denied', rule: R.PORT, extra: [prodPorts([{ port: 3868, protocol: 'SCTP' }])], query: q('dev/cli', 'prod/api', 3868), expected: false },
  { id: 'F7', what: 'endPort 9000-9100: 9090', rule: R.END_PORT, extra: [prodPorts([{ port: 9000, endPort: 9100 }])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'F7b', what: 'endPort 9000-9100: 9100 inclusive', rule: R.END_PORT, extra: [prodPorts([{ port: 9000, endPort: 9100 }])], query: q('dev/cli', 'prod/web', 9100), expected: true },
  { id: 'F7c', what: 'endPort 9000-9100: 9101 denied', rule: R.END_PORT, extra: [prodPorts([{ port: 9000, endPort: 9100 }])], query: q('dev/cli', 'prod/web', 9101), expected: false },
  { id: 'F7d', what: 'endPort 9000-9100: 8999 denied', rule: R.END_PORT, extra: [prodPorts([{ port: 9000, endPort: 9100 }])], query: q('dev/cli', 'prod/web', 8999), expected: false },
  { id: 'F7e', what: 'endPort range with UDP, query by name dns (5353/UDP)', rule: R.END_PORT, extra: [prodPorts([{ port: 5000, endPort: 6000, protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 'dns', 'UDP'), expected: true },
  { id: 'F8', what: 'port omitted, protocol UDP: any UDP port', rule: R.PORT_OMITTED, extra: [prodPorts([{ protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 5353, 'UDP'), expected: true },
  { id: 'F8b', what: 'port omitted, protocol UDP: TCP denied', rule: R.PORT_OMITTED, extra: [prodPorts([{ protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 9090), expected: false },
  { id: 'F9', what: 'ports [{}]: any TCP port', rule: R.PORT_OMITTED, extra: [prodPorts([{}])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'F9b', what: 'ports [{}]: UDP denied', rule: R.PORT_OMITTED, extra: [prodPorts([{}])], query: q('dev/cli', 'prod/api', 5353, 'UDP'), expected: false },
  { id: 'F2f', what: 'named http on a pod that declares no http (backup: status 9999) denied', rule: R.NAMED_PORT, extra: [np('ports', 'ops', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] })], query: q('dev/cli', 'ops/backup', 9999), expected: false },
  { id: 'F2g', what: 'named dns with protocol TCP: api\'s dns is UDP, so TCP 5353 is denied', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'dns' }])], query: q('dev/cli', 'prod/api', 5353), expected: false },
  { id: 'F10', what: 'named UDP port dns with protocol UDP', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 'dns', protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 5353, 'UDP'), expected: true },
  { id: 'F10b', what: 'query port name dns, UDP', rule: R.NAMED_PORT, extra: [prodPorts([{ port: 5353, protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 'dns', 'UDP'), expected: true },
  { id: 'F11', what: 'numeric port not declared as a container port', rule: R.CONTAINER_PORTS, extra: [prodPorts([{ port: 12345 }])], query: q('dev/cli', 'prod/web', 12345), expected: true },
  { id: 'F11b', what: 'undeclared numeric port, no policy', rule: `${R.CONTAINER_PORTS}; ${R.DEFAULT}`, query: q('dev/cli', 'prod/web', 12345), expected: true },
  { id: 'F12', what: 'named port of a sidecar container (init, restartPolicy Always)', rule: `${R.NAMED_PORT} (sidecar ports are pod ports; Service FindPort also resolves sidecars)`, extra: [prodPorts([{ port: 'proxy' }])], query: q('dev/cli', 'prod/side', 15001), expected: true },
  // --- unions and namespaces
  { id: 'G1', what: 'two policies union: dev/cli on 8080', rule: R.UNION, extra: [np('p1', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'cli' } } }], ports: [{ port: 8080 }] }] }), np('p2', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }], ports: [{ port: 9100 }] }] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'G1b', what: 'two policies union: dev/cli on 9100 denied', rule: R.UNION, extra: [np('p1', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'cli' } } }], ports: [{ port: 8080 }] }] }), np('p2', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }], ports: [{ port: 9100 }] }] })], query: q('dev/cli', 'prod/web', 9100), expected: false },
  { id: 'G1c', what: 'two policies union: CronJob pod on 9100', rule: R.UNION, extra: [np('p1', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'cli' } } }], ports: [{ port: 8080 }] }] }), np('p2', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }], ports: [{ port: 9100 }] }] })], query: q('ops/backup', 'prod/web', 9100), expected: true },
  { id: 'G1d', what: 'deny-all + allow policy: allow wins (additive)', rule: R.UNION, extra: [denyAllIngress('prod'), toApiFrom([{ namespaceSelector: {} }])], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'G2', what: 'policy in dev does not apply to prod pods', rule: R.NAMESPACED, extra: [denyAllIngress('dev')], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'G3', what: 'policy without metadata.namespace -> default namespace', rule: `${R.NAMESPACED}; TrafficEvaluatorOptions.defaultNamespace`, extra: [np('p', undefined, { podSelector: {}, policyTypes: ['Ingress'] })], query: q('prod/web', 'default/loner', 5000), expected: false },
  { id: 'G3b', what: 'policy without namespace does not apply to prod', rule: R.NAMESPACED, extra: [np('p', undefined, { podSelector: {}, policyTypes: ['Ingress'] })], query: q('default/loner', 'prod/api', 9090), expected: true },
  { id: 'G4', what: 'defaultNamespace: prod puts a namespace-less policy in prod', rule: 'TrafficEvaluatorOptions.defaultNamespace', opts: { defaultNamespace: 'prod' }, extra: [np('p', undefined, { podSelector: {}, policyTypes: ['Ingress'] })], query: q('dev/cli', 'prod/web', 8080), expected: false },
  // --- both sides
  { id: 'H1', what: 'egress deny on source + ingress allow on dest', rule: R.BOTH, extra: [denyAllEgress('dev'), toApiFrom([{ namespaceSelector: {} }])], query: q('dev/cli', 'prod/api', 9090), expected: false },
  { id: 'H2', what: 'egress named port http resolved on the destination (web 8080)', rule: `${R.BOTH}; ${R.NAMED_PORT}`, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'H2b', what: 'egress named port http resolved on the destination (api 9090)', rule: R.NAMED_PORT, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }] })], query: q('dev/cli', 'prod/api', 9090), expected: true },
  { id: 'H2c', what: 'egress named port http: 8080 to api denied', rule: R.NAMED_PORT, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }] })], query: q('dev/cli', 'prod/api', 8080), expected: false },
  { id: 'H2d', what: 'egress named port: the source has no such port; only the destination counts', rule: R.NAMED_PORT, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'status' }] }] })], query: q('dev/cli', 'ops/backup', 9999), expected: true },
  { id: 'H2e', what: 'egress named port http to a pod that declares no http (backup) denied', rule: R.NAMED_PORT, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })], query: q('dev/cli', 'ops/backup', 9999), expected: false },
  { id: 'H2f', what: 'egress [http, 9090] (name, then number): web\'s http 8080 matches by name', rule: R.NAMED_PORT, extra: [np('eg', 'dev', { podSelector: { matchLabels: { app: 'cli' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }, { port: 9090 }] }] })], query: q('dev/cli', 'prod/web', 8080), expected: true },
  { id: 'H3', what: 'egress allowed, ingress denied', rule: R.BOTH, extra: [np('eg', 'dev', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }), denyAllIngress('prod')], query: q('dev/cli', 'prod/web', 8080), expected: false },
  { id: 'H4', what: 'egress named port to an address (no pod: cannot resolve)', rule: R.NAMED_PORT, extra: [np('eg', 'prod', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })], query: q('prod/web', { ip: '203.0.113.9' }, 8080), expected: false },
  { id: 'H5', what: 'egress to podSelector only: same-ns destination', rule: R.POD_ONLY, extra: [np('eg', 'prod', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })], query: q('prod/web', 'dev/web', 8080), expected: false },
  // --- batch kinds
  { id: 'I1', what: 'CronJob pod as destination, Job pod as source (same ns)', rule: R.KINDS, extra: [np('p', 'ops', { podSelector: { matchLabels: { app: 'backup' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'status' }] }] })], query: q('ops/migrate', 'ops/backup', 'status'), expected: true },
  { id: 'I1b', what: 'CronJob pod destination: other ns denied', rule: R.KINDS, extra: [np('p', 'ops', { podSelector: { matchLabels: { app: 'backup' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'status' }] }] })], query: q('dev/cli', 'ops/backup', 9999), expected: false },
  { id: 'I2', what: 'Job pod selected by its template labels', rule: R.KINDS, extra: [toApiFrom([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'migrate' } } }])], query: q('ops/migrate', 'prod/api', 9090), expected: true },
  { id: 'I2b', what: 'CronJob pod: template labels, not the CronJob metadata', rule: R.KINDS, extra: [toApiFrom([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'migrate' } } }])], query: q('ops/backup', 'prod/api', 9090), expected: false },
  { id: 'I3', what: 'Pod kind in a namespace without object, egress deny there', rule: R.KINDS, extra: [denyAllEgress('ghost')], query: q('ghost/stray', 'prod/web', 8080), expected: false },
  // --- Services
  { id: 'J1', what: 'Service 80 -> numeric targetPort 8080; policy allows 8080', rule: R.SVC, extra: [svc('web', 'prod', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }]), prodPorts([{ port: 8080 }])], query: q('dev/cli', 'prod/web', 80), expected: true },
  { id: 'J2', what: 'Service 80 -> 8080; policy allows only 80 (pre-DNAT)', rule: R.SVC, extra: [svc('web', 'prod', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }]), prodPorts([{ port: 80 }])], query: q('dev/cli', 'prod/web', 80), expected: false },
  { id: 'J3', what: 'Service 80 -> named targetPort http on api (9090)', rule: R.SVC, extra: [svc('api', 'prod', { app: 'api' }, [{ port: 80, targetPort: 'http' }]), prodPorts([{ port: 9090 }])], query: q('dev/cli', 'prod/api', 80), expected: true },
  { id: 'J3b', what: 'named targetPort resolved per pod: edge-a (http 8080) denied when only 8181 allowed', rule: R.SVC, extra: [edge('edge-a', 8080), edge('edge-b', 8181), svc('edge', 'prod', { role: 'edge' }, [{ port: 80, targetPort: 'http' }]), prodPorts([{ port: 8181 }])], query: q('dev/cli', 'prod/edge-a', 80), expected: false },
  { id: 'J3c', what: 'named targetPort resolved per pod: edge-b (http 8181) allowed', rule: R.SVC, extra: [edge('edge-a', 8080), edge('edge-b', 8181), svc('edge', 'prod', { role: 'edge' }, [{ port: 80, targetPort: 'http' }]), prodPorts([{ port: 8181 }])], query: q('dev/cli', 'prod/edge-b', 80), expected: true },
  { id: 'J4', what: 'targetPort omitted = port', rule: R.SVC, extra: [svc('web', 'prod', { app: 'web' }, [{ port: 7777 }]), prodPorts([{ port: 7777 }])], query: q('dev/cli', 'prod/web', 7777), expected: true },
  { id: 'J5', what: 'a Service in another namespace does not map the port', rule: R.SVC, extra: [svc('webproxy', 'dev', { app: 'web' }, [{ port: 80, targetPort: 9100 }]), prodPorts([{ port: 9100 }])], query: q('dev/cli', 'prod/web', 80), expected: false },
  { id: 'J6', what: 'a Service without selector does not map the port', rule: R.SVC, extra: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual', namespace: 'prod' }, spec: { ports: [{ port: 80, targetPort: 9100 }] } }, prodPorts([{ port: 9100 }])], query: q('dev/cli', 'prod/web', 80), expected: false },
  { id: 'J7', what: 'UDP Service port 53 -> named dns (5353/UDP)', rule: R.SVC, extra: [svc('dns', 'prod', { app: 'api' }, [{ port: 53, protocol: 'UDP', targetPort: 'dns' }]), prodPorts([{ port: 5353, protocol: 'UDP' }])], query: q('dev/cli', 'prod/api', 53, 'UDP'), expected: true },
  { id: 'J7b', what: 'UDP Service port 53 does not map TCP 53', rule: R.SVC, extra: [svc('dns', 'prod', { app: 'api' }, [{ port: 53, protocol: 'UDP', targetPort: 'dns' }]), prodPorts([{ port: 5353, protocol: 'TCP' }])], query: q('dev/cli', 'prod/api', 53), expected: false },
  { id: 'J8', what: 'Service with a different selector does not map', rule: R.SVC, extra: [svc('api', 'prod', { app: 'api' }, [{ port: 80, targetPort: 9090 }]), prodPorts([{ port: 9090 }])], query: q('dev/cli', 'prod/web', 80), expected: false },
  { id: 'J9', what: 'Service selecting a CronJob pod: 80 -> named status 9999', rule: R.SVC, extra: [svc('backup', 'ops', { app: 'backup' }, [{ port: 80, targetPort: 'status' }]), np('p', 'ops', { podSelector: {}, ingress: [{ ports: [{ port: 9999 }] }] })], query: q('dev/cli', 'ops/backup', 80), expected: true },
  { id: 'J11', what: 'named targetPort on a sidecar (init, restartPolicy Always): 80 -> 15001', rule: R.SVC, extra: [svc('side', 'prod', { app: 'side' }, [{ port: 80, targetPort: 'proxy' }]), prodPorts([{ port: 15001 }])], query: q('dev/cli', 'prod/side', 80), expected: true },
  { id: 'E10', what: 'pod with an IPv6 ip in an IPv6 ipBlock', rule: R.IPBLOCK, extra: [ipIn({ cidr: 'fd00:10::/64' })], query: q({ namespace: 'dev', labels: { app: 'cli' }, ip: 'fd00:10::1:2' }, 'prod/web', 8080), expected: true },
  // --- query forms
  { id: 'K1', what: "workload 'prod/web' string", rule: R.QUERY, extra: [toApiFrom([{ podSelector: { matchLabels: { app: 'web' } } }])], query: { from: { workload: 'prod/web' }, to: { workload: 'prod/api' }, port: 'http' }, expected: true },
  { id: 'K2', what: "workload 'web' with defaultNamespace prod", rule: R.QUERY, opts: { defaultNamespace: 'prod' }, extra: [toApiFrom([{ podSelector: { matchLabels: { app: 'web' } } }])], query: { from: { workload: 'web' }, to: { workload: 'api' }, port: 9090 }, expected: true },
  { id: 'K3', what: "workload 'loner' in default", rule: R.QUERY, extra: [denyAllIngress('default')], query: { from: { workload: 'prod/web' }, to: { workload: 'loner' }, port: 'http' }, expected: false },
  { id: 'K4', what: 'by labels (selector labels of one workload): named port resolves', rule: R.QUERY, extra: [toApiFrom([{ podSelector: { matchLabels: { tier: 'fe' } } }])], query: { from: { namespace: 'prod', labels: { app: 'web' } }, to: { namespace: 'prod', labels: { app: 'api' } }, port: 'http' }, expected: true },
  { id: 'K4b', what: 'by labels matching no workload: a pod with exactly those labels', rule: R.QUERY, extra: [toApiFrom([{ podSelector: { matchLabels: { tier: 'fe' } } }])], query: { from: { namespace: 'prod', labels: { app: 'other' } }, to: W('prod/api'), port: 9090 }, expected: false },
  { id: 'K5', what: 'IngressControllerRef as source', rule: R.QUERY, extra: [np('p', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }] }] })], query: { from: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } } as any, to: W('prod/web'), port: 'http' }, expected: true },
  { id: 'K5b', what: 'IngressControllerRef: other controller denied', rule: R.QUERY, extra: [np('p', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }] }] })], query: { from: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } as any, to: W('prod/web'), port: 'http' }, expected: false },
  { id: 'K6', what: 'address as destination, no egress policy', rule: `${R.QUERY}; ${R.DEFAULT}`, query: q('prod/web', { ip: '198.51.100.1' }, 443), expected: true },
  { id: 'K7', what: 'TrafficPod without namespace = default namespace', rule: R.QUERY, extra: [toApiFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } }])], query: { from: { labels: { app: 'anything' } }, to: W('prod/api'), port: 9090 }, expected: true },
];

describe('TrafficEvaluator vs NetworkPolicy semantics (hand-written manifests)', () => {
  test.each(cases.map((c) => [`${c.id} ${c.what}`, c] as const))('%s', (_n, c) => {
    const t = TrafficEvaluator.fromManifests([...(c.noWorld ? [] : world()), ...(c.extra ?? [])], c.opts);
    const v = t.check(c.query);
    expect(t.allows(c.query)).toBe(v.allowed);
    expect({ id: c.id, allowed: v.allowed, rule: c.rule, explanation: v.explanation }).toEqual({ id: c.id, allowed: c.expected, rule: c.rule, explanation: v.explanation });
  });
});

describe('workload() and labelsOfNamespace()', () => {
  const t = TrafficEvaluator.fromManifests(world());
  test('workloads lists every kind, with template labels (CronJob via jobTemplate)', () => {
    expect(t.workloads.map((w) => `${w.kind}:${w.namespace}/${w.name}`).sort()).toEqual([
      'CronJob:ops/backup', 'DaemonSet:prod/agent', 'Deployment:default/loner', 'Deployment:dev/cli', 'Deployment:dev/web',
      'Deployment:prod/side', 'Deployment:prod/web', 'Job:ops/migrate', 'Pod:ghost/stray', 'StatefulSet:prod/api',
    ]);
    expect(t.workloads.find((w) => w.name === 'backup')!.labels).toEqual({ app: 'backup' });
  });

  test('workload ports carry their protocol (default TCP), sidecar ports included', () => {
    const api = t.workloads.find((w) => w.name === 'api')!;
    expect(api.ports).toEqual(expect.arrayContaining([{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'http', port: 9090, protocol: 'TCP' }]));
    expect(t.workloads.find((w) => w.name === 'side')!.ports.map((p) => p.port).sort()).toEqual([15001, 8000]);
  });

  test("workload('prod/web'), workload('web', 'prod') and a name in the default namespace", () => {
    expect(t.workload('prod/web')).toEqual({ namespace: 'prod', labels: { app: 'web', tier: 'fe' } });
    expect(t.workload('web', 'prod')).toEqual({ namespace: 'prod', labels: { app: 'web', tier: 'fe' } });
    expect(t.workload('loner')).toEqual({ namespace: 'default', labels: { app: 'loner' } });
  });

  test('labelsOfNamespace: the name label always, which a Namespace object cannot override', () => {
    expect(t.labelsOfNamespace('prod')).toEqual({ env: 'prod', team: 'shop', 'kubernetes.io/metadata.name': 'prod' });
    expect(t.labelsOfNamespace('ghost')).toEqual({ 'kubernetes.io/metadata.name': 'ghost' });
    expect(t.labelsOfNamespace('ops')).toEqual({ 'kubernetes.io/metadata.name': 'ops' });
    expect(TrafficEvaluator.fromManifests([ns('spoof', { 'kubernetes.io/metadata.name': 'prod' })]).labelsOfNamespace('spoof')).toEqual({ 'kubernetes.io/metadata.name': 'spoof' });
  });

  test('the namespaceLabels option merges with Namespace objects', () => {
    const o = TrafficEvaluator.fromManifests(world(), { namespaceLabels: { prod: { zone: 'a' }, ghost: { zone: 'b' } } });
    expect(o.labelsOfNamespace('prod')).toEqual({ env: 'prod', team: 'shop', zone: 'a', 'kubernetes.io/metadata.name': 'prod' });
    expect(o.labelsOfNamespace('ghost')).toEqual({ zone: 'b', 'kubernetes.io/metadata.name': 'ghost' });
  });
});
