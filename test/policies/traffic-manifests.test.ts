// What TrafficEvaluator.fromManifests accepts: manifests as the API server would (trial Q, Q1-Q3,
// Q5, Q7, Q9, Q10), each problem named with its object and field, all of them in one error.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { TimonelError } from '../../src/core/errors';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { thrown } from '../support/util';
import { deploy, np, ns, svc, sts, W } from './traffic-world';

const base = () => [ns('prod', { env: 'prod' }), ns('dev'), deploy('web', 'prod', { app: 'web' }, [{ containerPort: 8080, name: 'http' }]),
  deploy('api', 'prod', { app: 'api' }, [{ containerPort: 9090, name: 'http' }]), deploy('cli', 'dev', { app: 'cli' })];
const apiIn = (rule: any) => np('bad', 'prod', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [rule] });
const AT = '[TrafficEvaluator.fromManifests] NetworkPolicy prod/bad (manifests[5])';
const load = (...extra: any[]) => TrafficEvaluator.fromManifests([...base(), ...extra]);
const cliToApi = { from: W('dev/cli'), to: W('prod/api'), port: 9090 };

describe('fromManifests: a NetworkPolicy is read only when the API server would accept it', () => {
  // Each of these was read, and answered a question no cluster would: wider, narrower or by luck.
  test.each([
    // Q1: a selector has matchLabels and matchExpressions only
    ['a selector holds labels without matchLabels', np('bad', 'prod', { podSelector: { app: 'api' }, policyTypes: ['Ingress'] }),
      "'spec.podSelector' has labels outside matchLabels: kubectl refuses them, and clients that drop unknown fields leave {}, which selects everything, got {\"app\":\"api\"}. Allowed: a label selector: { matchLabels?, matchExpressions? } ({} selects every pod of the namespace, or every namespace). Fix: write podSelector: { matchLabels: { app: 'api' } }"],
    ['matchLabels is misspelt', np('bad', 'prod', { podSelector: { matchLabel: { app: 'api' } }, policyTypes: ['Ingress'] }),
      "'spec.podSelector.matchLabel' is not a known label selector field, got {\"app\":\"api\"}. Allowed: 'matchLabels', 'matchExpressions'. Fix: did you mean 'matchLabels'?"],
    ["a peer's selector holds a label beside matchLabels", apiIn({ from: [{ podSelector: { matchLabels: { app: 'web' }, tier: 'fe' } }] }),
      "'spec.ingress[0].from[0].podSelector.tier' is not a known label selector field, got 'fe'. Allowed: 'matchLabels', 'matchExpressions'. Fix: a label goes inside matchLabels: write matchLabels: { tier: 'fe' }"],
    // Q2: a misspelt field widened the rule
    ['a peer field is misspelt', apiIn({ from: [{ namespaceSelector: {}, podSelectr: { matchLabels: { app: 'web' } } }] }),
      "'spec.ingress[0].from[0].podSelectr' is not a known peer field, got {\"matchLabels\":{\"app\":\"web\"}}. Allowed: 'podSelector', 'namespaceSelector', 'ipBlock'. Fix: did you mean 'podSelector'?"],
    ["a rule's from is misspelt", apiIn({ form: [{ podSelector: {} }] }), "'spec.ingress[0].form' is not a known ingress rule field, got [{\"podSelector\":{}}]. Allowed: 'from', 'ports'. Fix: did you mean 'from'?"],
    ['an ingress rule has to', apiIn({ to: [{ podSelector: {} }] }), "'spec.ingress[0].to' is not a known ingress rule field: an ingress rule names its sources, got [{\"podSelector\":{}}]. Allowed: 'from', 'ports'. Fix: write from: [ … ]"],
    ["a port's port is misspelt", apiIn({ ports: [{ prot: 9090 }] }), "'spec.ingress[0].ports[0].prot' is not a known port field, got 9090. Allowed: 'port', 'endPort', 'protocol'. Fix: did you mean 'port'?"],
    ["an ipBlock's except is misspelt", apiIn({ from: [{ ipBlock: { cidr: '203.0.113.0/24', exept: ['203.0.113.0/25'] } }] }),
      "'spec.ingress[0].from[0].ipBlock.exept' is not a known ipBlock field, got [\"203.0.113.0/25\"]. Allowed: 'cidr', 'except'. Fix: did you mean 'except'?"],
    ["the spec's podSelector is misspelt", np('bad', 'prod', { podSelecter: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
      "'spec.podSelecter' is not a known NetworkPolicy spec field, got {\"matchLabels\":{\"app\":\"api\"}}. Allowed: 'podSelector', 'policyTypes', 'ingress', 'egress'. Fix: did you mean 'podSelector'?"],
    ['spec is misspelt', { ...np('bad', 'prod', undefined), spce: { podSelector: {} } }, "'spce' is not a known NetworkPolicy field, got {\"podSelector\":{}}. Allowed: 'apiVersion', 'kind', 'metadata', 'spec', 'status'. Fix: did you mean 'spec'?"],
    // Q3: values the API server rejects
    ['a port is 0', apiIn({ ports: [{ port: 0 }] }), "'spec.ingress[0].ports[0].port' must be a port number, got 0. Allowed: an integer from 1 to 65535"],
    ['a port is 70000', apiIn({ ports: [{ port: 70000 }] }), "'spec.ingress[0].ports[0].port' must be a port number, got 70000. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535"],
    ['a port is a number written as a string', apiIn({ ports: [{ port: '9090' }] }), "'spec.ingress[0].ports[0].port' is a number written as a string (a port name has a letter), got '9090'. Allowed: a port number, or the name of a container port. Fix: write it as a number: 9090"],
    ['a protocol is lowercase', apiIn({ ports: [{ port: 9090, protocol: 'tcp' }] }), "'spec.ingress[0].ports[0].protocol' is not one of the allowed values, got 'tcp'. Allowed: 'TCP', 'UDP', 'SCTP'. Fix: did you mean 'TCP'?"],
    ['endPort is below port', apiIn({ ports: [{ port: 9100, endPort: 9000 }] }), "'spec.ingress[0].ports[0].endPort' must be at least port (9100), got 9000. Allowed: an endPort at least port, with a numeric port. Fix: swap them: port: 9000, endPort: 9100"],
    ['endPort comes with a named port', apiIn({ ports: [{ port: 'http', endPort: 9999 }] }), "'spec.ingress[0].ports[0].endPort' may not be set with a named port ('http'), got 9999"],
    ['endPort comes without a port', apiIn({ ports: [{ endPort: 9999 }] }), "'spec.ingress[0].ports[0].endPort' needs a port: the range is port to endPort, got 9999"],
    ['a policy type is lowercase', np('bad', 'prod', { podSelector: {}, policyTypes: ['ingress'] }), "'spec.policyTypes[0]' is not one of the allowed values, got 'ingress'. Allowed: 'Ingress', 'Egress'. Fix: did you mean 'Ingress'?"],
    ['policyTypes is a string', np('bad', 'prod', { podSelector: {}, policyTypes: 'Ingress' }), "'spec.policyTypes' must be a list, but is a string, got 'Ingress'. Allowed: an array of 'Ingress', 'Egress'. Fix: wrap it in brackets: ['Ingress']"],
    ['policyTypes lists three', np('bad', 'prod', { podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }), "'spec.policyTypes' may not list more than two policy types"],
    ['an operator is lowercase', apiIn({ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'in', values: ['web'] }] } }] }),
      "'spec.ingress[0].from[0].podSelector.matchExpressions[0].operator' is not one of the allowed values, got 'in'. Allowed: 'In', 'NotIn', 'Exists', 'DoesNotExist'. Fix: did you mean 'In'?"],
    ['In has no values', apiIn({ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }] }), "'spec.ingress[0].from[0].podSelector.matchExpressions[0].values' must not be empty with operator 'In', got []"],
    ['Exists has values', apiIn({ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }] }), "'spec.ingress[0].from[0].podSelector.matchExpressions[0].values' must be empty with operator 'Exists', got [\"x\"]"],
    ['values is a string', apiIn({ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: 'web' }] } }] }), "'spec.ingress[0].from[0].podSelector.matchExpressions[0].values' must be a list, but is a string, got 'web'"],
    ['matchExpressions is an object', np('bad', 'prod', { podSelector: { matchExpressions: { key: 'app', operator: 'In', values: ['api'] } } }), "'spec.podSelector.matchExpressions' must be a list, but is an object"],
    ['a peer is empty', apiIn({ from: [{}] }), "'spec.ingress[0].from[0]' must specify a peer, got {}. Allowed: podSelector, namespaceSelector (or both, which must both match), or ipBlock. Fix: for every source or destination, leave from/to out (or write [])"],
    ['a peer has an ipBlock and a selector', apiIn({ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }),
      "'spec.ingress[0].from[0]' has ipBlock and podSelector: a peer is either addresses or pods, got {\"ipBlock\":{\"cidr\":\"10.0.0.0/8\"},\"podSelector\":{}}. Allowed: podSelector, namespaceSelector (or both), or ipBlock. Fix: make them two peers: [{ ipBlock: { … } }, { podSelector: { … } }]"],
    ['a CIDR has a prefix over 32', apiIn({ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }), "'spec.ingress[0].from[0].ipBlock.cidr' is not a CIDR, got '10.0.0.0/33'"],
    ['an ipBlock has no cidr', apiIn({ from: [{ ipBlock: {} }] }), "'spec.ingress[0].from[0].ipBlock.cidr' is required"],
    ['an except is outside the cidr', apiIn({ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['198.51.100.0/24'] } }] }),
      "'spec.ingress[0].from[0].ipBlock.except[0]' must be a strict subset of cidr '203.0.113.0/24', got '198.51.100.0/24'. Allowed: a network inside 203.0.113.0/24, with a longer prefix. Fix: remove it, or widen cidr to contain it"],
    ['an except is the cidr itself', apiIn({ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.0/24'] } }] }), "'spec.ingress[0].from[0].ipBlock.except[0]' must be a strict subset of cidr '203.0.113.0/24'"],
    ['an except is of the other family', apiIn({ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['fc00::/7'] } }] }), "'spec.ingress[0].from[0].ipBlock.except[0]' must be a strict subset of cidr '0.0.0.0/0', got 'fc00::/7'. Allowed: a network inside 0.0.0.0/0, with a longer prefix. Fix: put it in an ipBlock of its own family"],
    ['except is a string', apiIn({ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: '203.0.113.0/25' } }] }), "'spec.ingress[0].from[0].ipBlock.except' must be a list, but is a string"],
    ['ingress is a number', np('bad', 'prod', { podSelector: {}, ingress: 5 }), "'spec.ingress' must be a list, but is a number, got 5"],
    ['from is an object', apiIn({ from: { podSelector: {} } }), "'spec.ingress[0].from' must be a list, but is an object, got {\"podSelector\":{}}"],
    ['ports is a string', apiIn({ ports: 'http' }), "'spec.ingress[0].ports' must be a list, but is a string, got 'http'"],
    ['a label value is a number', np('bad', 'prod', { podSelector: { matchLabels: { app: 1 } } }), "'spec.podSelector.matchLabels.app' must be a string, but is a number, got 1"],
  ])('fails when %s', (_what, policy, message) => {
    expect(() => load(policy).check(cliToApi)).toThrow(TimonelError);
    expect(() => load(policy)).toThrow(`${AT} ${message}`);
  });

  test('fails with every problem of the manifests at once, each with its object and field', () => {
    const e = thrown(() => load(
      np('bad', 'prod', { podSelector: { app: 'api' }, ingress: [{ form: [] }] }),
      np('worse', 'dev', { podSelector: {}, egress: [{ ports: [{ port: 0 }] }] }),
    ));
    expect(e.path).toBe('TrafficEvaluator.fromManifests');
    expect(e.problems.map((p) => `${p.object} ${p.prop}`)).toEqual([
      'NetworkPolicy prod/bad (manifests[5]) spec.podSelector',
      'NetworkPolicy prod/bad (manifests[5]) spec.ingress[0].form',
      'NetworkPolicy dev/worse (manifests[6]) spec.egress[0].ports[0].port',
    ]);
    expect(e.message.split('\n')[0]).toBe('[TrafficEvaluator.fromManifests] found 3 problems in the manifests:');
    expect(e.message.split('\n')[3]).toBe("  NetworkPolicy dev/worse (manifests[6]) 'spec.egress[0].ports[0].port' must be a port number, got 0. Allowed: an integer from 1 to 65535. Fix: use 1 or more");
  });

  test('reads what the API server accepts: null fields as left out, null rules as empty ones, a CIDR with host bits as its network', () => {
    const t = load(
      np('in', 'prod', { podSelector: { matchLabels: { app: 'api' } }, ingress: [null, { from: null, ports: [{ port: 9090, endPort: null, protocol: null }] }] }),
      np('out', 'dev', { podSelector: null, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.7/24', except: null } }] }] }),
      np('spec-null', 'ops', null),
    );
    expect(t.check(cliToApi).ingress.allowedBy).toEqual(['prod/in ingress[0]', 'prod/in ingress[1]']);
    expect(t.allows({ from: W('dev/cli'), to: { ip: '203.0.113.200' }, port: 443 })).toBe(true);
    expect(t.allows({ from: W('dev/cli'), to: { ip: '198.51.100.1' }, port: 443 })).toBe(false);
  });

  test("reads another API's NetworkPolicy as nothing (Calico's projectcalico.org/v3)", () => {
    const calico = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'prod' }, spec: { selector: "app == 'api'", ingress: [{ action: 'Deny' }] } };
    expect(load(calico).allows(cliToApi)).toBe(true);
  });
});

describe('fromManifests: the list and its items (Q9, Q10)', () => {
  const deny = np('deny', 'prod', { podSelector: {}, policyTypes: ['Ingress'] });
  const cliToWeb = { from: W('dev/cli'), to: W('prod/web'), port: 8080 };

  test('reads the items of a List, as kubectl get -o yaml prints it, and of a NetworkPolicyList, whose items the API leaves without kind', () => {
    expect(load({ apiVersion: 'v1', kind: 'List', items: [deny] }).allows(cliToWeb)).toBe(false);
    const { apiVersion: _a, kind: _k, ...bare } = deny;
    const fromApi = load({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', metadata: { resourceVersion: '1' }, items: [bare] });
    expect(fromApi.check(cliToWeb).explanation).toContain('isolated by prod/deny');
    expect(load({ apiVersion: 'v1', kind: 'List', items: [] }).allows(cliToWeb)).toBe(true);
  });

  test('skips null items (an empty YAML document)', () => {
    expect(TrafficEvaluator.fromManifests([null, ...base(), null]).workloads).toHaveLength(3);
  });

  test.each([
    ['an item is no object', [1, 'x', ...base()], [
      "manifests[0] is not a manifest, but a number, got 1. Allowed: objects with apiVersion, kind and metadata. Fix: pass only manifests: the objects of Testing.synth(chart), or the files of app.render()",
      "manifests[1] is not a manifest, but a string, got 'x'. Allowed: objects with apiVersion, kind and metadata. Fix: pass only manifests: the objects of Testing.synth(chart), or the files of app.render()",
    ]],
    ['given a list of lists', [base()], ['manifests[0] is a list, not a manifest. Allowed: one flat list of manifests. Fix: pass one list: fromManifests([...a, ...b]), or fromManifests(lists.flat())']],
    ['an object has no kind', [{ apiVersion: 'v1', metadata: { name: 'x' } }], ["manifests[0] 'kind' is required, got undefined. Allowed: a Kubernetes kind such as 'NetworkPolicy', 'Service', 'Deployment' or 'Namespace'. Fix: pass manifests as kubectl reads them, each with apiVersion and kind"]],
    ['a workload has no apiVersion and no metadata', [{ kind: 'Deployment' }], [
      "Deployment default/<unnamed> (manifests[0]) 'apiVersion' is required, got undefined. Allowed: the object's API version, e.g. 'networking.k8s.io/v1', 'v1' or 'apps/v1'. Fix: add apiVersion, as kubectl needs it",
      "Deployment default/<unnamed> (manifests[0]) 'metadata' is required. Allowed: an object with a name (and the namespace). Fix: add metadata: { name: '…', namespace: '…' }",
    ]],
    ['a NetworkPolicy has no metadata', [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {} } }], [
      "NetworkPolicy default/<unnamed> (manifests[0]) 'metadata' is required. Allowed: an object with a name (and the namespace). Fix: add metadata: { name: '…', namespace: '…' }",
    ]],
    ['a Service has no name', [{ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'prod' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }], [
      "Service prod/<unnamed> (manifests[0]) 'metadata.name' is required. Allowed: the Service's name. Fix: add name: '…' (the evaluator and kubectl apply need it)",
    ]],
    ['a metadata field is misspelt', [{ ...deploy('web', undefined, { app: 'web' }), metadata: { name: 'web', namspace: 'prod' } }], [
      "Deployment default/web (manifests[0]) 'metadata.namspace' is not a known metadata field, got 'prod'. Allowed: the metadata fields, such as 'namespace' (15 in all). Fix: did you mean 'namespace'?",
    ]],
    ['labels are a list, and ports an object', [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: ['a'] }, spec: { containers: [{ name: 'c', ports: { containerPort: 80, name: 'http' } }] } }], [
      "Pod default/p (manifests[0]) 'metadata.labels' must be an object of keys and values, but is an array, got [\"a\"]. Allowed: an object of keys and values. Fix: write an object such as { app: … }",
      "Pod default/p (manifests[0]) 'spec.containers[0].ports' must be a list, but is an object, got {\"containerPort\":80,\"name\":\"http\"}. Allowed: an array of an object with 'containerPort', 'name', 'protocol', 'hostPort', 'hostIP'. Fix: wrap it in brackets: [{ … }]",
    ]],
    ['a containerPort is a string', [deploy('web', 'prod', { app: 'web' }, [{ containerPort: '8080' as any, name: 'http' }])], [
      "Deployment prod/web (manifests[0]) 'spec.template.spec.containers[0].ports[0].containerPort' must be a whole number, but is a string, got '8080'. Allowed: a whole number. Fix: write it as a number: 8080",
    ]],
    ["a container port's protocol is lowercase", [deploy('dns', 'prod', { app: 'dns' }, [{ containerPort: 53, name: 'dns', protocol: 'udp' }])], [
      "Deployment prod/dns (manifests[0]) 'spec.template.spec.containers[0].ports[0].protocol' is not one of the allowed values, got 'udp'. Allowed: 'TCP', 'UDP', 'SCTP'. Fix: did you mean 'UDP'?",
    ]],
    ['a container is no object', [deploy('web', 'prod', { app: 'web' }, [], { containers: ['nginx'] })], [
      "Deployment prod/web (manifests[0]) 'spec.template.spec.containers[0]' must be a container, but is a string, got 'nginx'. Allowed: an object with name, image and ports. Fix: write { name: …, image: …, ports: [ … ] }",
    ]],
    ['a template is no object', [{ ...deploy('web', 'prod', { app: 'web' }), spec: { template: 'web' } }], [
      "Deployment prod/web (manifests[0]) 'spec.template' must be an object, but is a string, got 'web'. Allowed: the template of a Deployment. Fix: write template: { … }",
    ]],
    ["a Service's targetPort is misspelt", [svc('web', 'prod', { app: 'web' }, [{ port: 80, targetPrt: 8080 }])], [
      "Service prod/web (manifests[0]) 'spec.ports[0].targetPrt' is not a known Service port field, got 8080. Allowed: 'port', 'targetPort', 'protocol', 'name', 'appProtocol', 'nodePort'. Fix: did you mean 'targetPort'?",
    ]],
    ["a Service's targetPort is a number written as a string", [svc('web', 'prod', { app: 'web' }, [{ port: 80, targetPort: '8080' }])], [
      "Service prod/web (manifests[0]) 'spec.ports[0].targetPort' is a number written as a string (a port name has a letter), got '8080'. Allowed: a port number, or the name of a container port. Fix: write it as a number: 8080",
    ]],
    ['a List holds no list', [{ apiVersion: 'v1', kind: 'List', items: { kind: 'Namespace' } }], [
      "List (manifests[0]) 'items' must be a list, but is an object, got {\"kind\":\"Namespace\"}. Allowed: a list of manifests. Fix: write items: [ … ]",
    ]],
  ])('fails when %s', (_what, manifests, problems) => {
    const e = thrown(() => TrafficEvaluator.fromManifests(manifests));
    expect(e.problems.map((p) => p.message)).toEqual(problems.map((p) => `[TrafficEvaluator.fromManifests] ${p}`));
  });

  test('fails when a container\'s ports have a hole (a TypeError; trial AC3)', () => {
    const ports = [, { name: 'http', containerPort: 8080 }];
    expect(() => TrafficEvaluator.fromManifests([{
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: {
        selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.0', ports }] } },
      },
    }])).toThrow("[TrafficEvaluator.fromManifests] Deployment shop/web (manifests[0]) 'spec.template.spec.containers[0].ports[0]' is an empty slot (a hole in the list), got undefined.");
  });

  test('fails when an item of a List is wrong, naming it by its place in the List', () => {
    expect(() => load({ apiVersion: 'v1', kind: 'List', items: [apiIn({ form: [] })] })).toThrow(
      "[TrafficEvaluator.fromManifests] NetworkPolicy prod/bad (manifests[5].items[0]) 'spec.ingress[0].form' is not a known ingress rule field");
  });

  test('reads every object timonel synthesizes: the example platform as dist/ holds it', () => {
    const dist = path.join(__dirname, '..', '..', 'dist');
    const files = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(dist, file), 'utf8')).map((d) => d.toJS());
      expect([file, TrafficEvaluator.fromManifests(docs).workloads.length >= 0]).toEqual([file, true]);
    }
  });
});

describe('fromManifests: two objects where a cluster holds one (Q7)', () => {
  test('fails when two NetworkPolicies have one namespace and name (applying the second replaces the first), naming both', () => {
    const allowAll = np('web', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });
    const denyAll = np('web', 'prod', { podSelector: { matchLabels: { app: 'web' } } });
    expect(() => load(allowAll, denyAll)).toThrow(
      "[TrafficEvaluator.fromManifests] NetworkPolicy prod/web (manifests[6]) 'metadata.name' is also the name of manifests[5]: a namespace holds one NetworkPolicy of a name, and applying the second replaces the first, got 'web'. Allowed: one NetworkPolicy of each name per namespace. Fix: rename one of them, or remove the copy");
  });

  test('fails when a workload, a Service or a Namespace is there twice; one name in two namespaces, or of two kinds, is no duplicate', () => {
    expect(() => load(deploy('web', 'prod', { app: 'web2' }))).toThrow("Deployment prod/web (manifests[5]) 'metadata.name' is also the name of manifests[2]");
    expect(() => load(ns('prod'))).toThrow("Namespace prod (manifests[5]) 'metadata.name' is also the name of manifests[0]: a cluster holds one Namespace of a name");
    expect(() => load(svc('web', 'prod', { app: 'web' }, [{ port: 80 }]), svc('web', 'prod', { app: 'web' }, [{ port: 81 }]))).toThrow("Service prod/web (manifests[6]) 'metadata.name' is also the name of manifests[5]");
    expect(load(deploy('web', 'dev', { app: 'web' }), sts('web', 'prod', { app: 'web-db' }), np('web', 'prod', { podSelector: {} })).workloads).toHaveLength(5);
  });
});

describe('fromManifests: its options (Q5)', () => {
  test.each([
    ['an option is misspelt', { defaultNamespce: 'prod' }, "[TrafficEvaluator.fromManifests] 'options.defaultNamespce' is not a known option, got 'prod'. Allowed: 'defaultNamespace', 'namespaceLabels'. Fix: did you mean 'defaultNamespace'?"],
    ['namespaceLabels is a list', { namespaceLabels: ['prod'] }, "[TrafficEvaluator.fromManifests] 'options.namespaceLabels' must be an object of keys and values, but is an array, got [\"prod\"]"],
    ['defaultNamespace is no namespace name', { defaultNamespace: 'Prod' }, "[TrafficEvaluator.fromManifests] 'options.defaultNamespace' is not a namespace name, got 'Prod'"],
    ['the options are null', null, "[TrafficEvaluator.fromManifests] 'options' must be an object, but is null, got null"],
  ])('fails when %s', (_what, options, message) => {
    expect(() => TrafficEvaluator.fromManifests(base(), options as any)).toThrow(message);
  });
});
