import { container, cronJob, deployment, edit, LABELS, lines, surroundings } from '../helpers';

const ok = [deployment(), ...surroundings(), cronJob()];
const pod = (change: (spec: any) => void) => edit(deployment(), (d) => change(d.spec.template.spec));
const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } };

describe('practice-requests', () => {
  test('passes CPU and memory requests, or limits alone (the requests default to them)', () => {
    expect(lines('practice-requests', [...ok, edit(deployment('b'), (d) => { d.spec.template.spec.containers[0].resources = { limits: { cpu: '1', memory: '1Gi' } }; })])).toEqual([]);
  });
  test('fails a container without requests (error in restricted, warning in baseline)', () => {
    const bad = [pod((s) => { s.initContainers = [{ ...container('init'), ports: [], resources: { requests: { cpu: '10m' } } }]; delete s.containers[0].resources; })];
    expect(lines('practice-requests', bad)).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].resources.requests' has no cpu and memory request for container 'main'. Fix: set resources.requests (e.g. cpu: '100m', memory: '128Mi') from observed usage",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].resources.requests' has no memory request for init container 'init'. Fix: set resources.requests (e.g. memory: '128Mi') from observed usage",
    ]);
    expect(lines('practice-requests', bad, { profile: 'baseline' }).map((l) => l.split(':')[0])).toEqual(['warning', 'warning']);
  });
});

describe('practice-memory-limit', () => {
  test('passes a memory limit without a CPU limit (CPU limits are never required)', () => {
    expect(lines('practice-memory-limit', ok)).toEqual([]);
  });
  test('fails (warning) a container without a memory limit', () => {
    expect(lines('practice-memory-limit', [pod((s) => { s.containers[0].resources.limits = { cpu: '1' }; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].resources.limits' has no memory limit for container 'main'. Fix: set resources.limits.memory (e.g. '256Mi', at or above the request)",
    ]);
  });
});

describe('practice-probes', () => {
  test('passes long-running containers with probes, and Jobs without any', () => {
    expect(lines('practice-probes', [...ok, edit(cronJob(), (c) => { delete c.spec.jobTemplate.spec.template.spec.containers[0].readinessProbe; })])).toEqual([]);
  });
  test('fails (warning) a Deployment container without readiness or liveness probe', () => {
    expect(lines('practice-probes', [pod((s) => { delete s.containers[0].livenessProbe; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0]' has no liveness probe for container 'main'. Fix: add livenessProbe (an httpGet on a health endpoint, or a tcpSocket on the serving port)",
    ]);
  });
  test('suggests exec probes for a container that serves no port (a Worker)', () => {
    expect(lines('practice-probes', [pod((s) => { delete s.containers[0].ports; delete s.containers[0].livenessProbe; delete s.containers[0].readinessProbe; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0]' has no readiness or liveness probe for container 'main'. Fix: add readinessProbe and livenessProbe as an exec probe running a health check command, since the container serves no port (timonel: readiness and liveness: Probe.exec(['/app/healthcheck']))",
    ]);
  });
});

describe('practice-image-pinned', () => {
  test('passes a pinned tag and a digest', () => {
    expect(lines('practice-image-pinned', [pod((s) => { s.containers.push({ ...container('side'), ports: [], image: `envoyproxy/envoy@sha256:${'a'.repeat(64)}` }); })])).toEqual([]);
  });
  test('fails (warning) :latest and untagged images', () => {
    expect(lines('practice-image-pinned', [pod((s) => {
      s.containers[0].image = 'nginx:latest';
      s.initContainers = [{ ...container('init'), ports: [], image: 'ghcr.io/acme/migrate' }];
    })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].image' uses the moving tag 'latest', got 'nginx:latest'. Allowed: a pinned tag or a digest. Fix: pin a version such as 'nginx:1.2.3' or 'nginx@sha256:…'",
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].image' has no tag or digest (it means :latest), got 'ghcr.io/acme/migrate'. Allowed: a pinned tag or a digest. Fix: pin a version such as 'ghcr.io/acme/migrate:1.2.3' or 'ghcr.io/acme/migrate@sha256:…'",
    ]);
  });
  test('fails (warning) a moving tag with an architecture suffix, as the constructs do (one isVersionTag)', () => {
    expect(lines('practice-image-pinned', [pod((s) => { s.containers[0].image = 'gcr.io/distroless/static:latest-amd64'; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].image' uses the moving tag 'latest-amd64' ('amd64' names an architecture, not a version), got 'gcr.io/distroless/static:latest-amd64'. Allowed: a pinned tag or a digest. Fix: pin a version such as 'gcr.io/distroless/static:1.2.3' or 'gcr.io/distroless/static@sha256:…'",
    ]);
    expect(lines('practice-image-pinned', [pod((s) => { s.containers[0].image = 'python:3.12-slim'; })])).toEqual([]);
  });
});

describe('practice-read-only-root-fs', () => {
  test('passes readOnlyRootFilesystem: true', () => {
    expect(lines('practice-read-only-root-fs', ok)).toEqual([]);
  });
  test('fails (warning) a writable root filesystem', () => {
    expect(lines('practice-read-only-root-fs', [pod((s) => { s.containers[0].securityContext.readOnlyRootFilesystem = false; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem' is not true for container 'main', got false. Fix: set readOnlyRootFilesystem: true and mount an emptyDir where the process writes (e.g. /tmp)",
    ]);
  });
});

describe('practice-disruption-budget', () => {
  test('passes a single replica, and replicas covered by a PDB', () => {
    const single = edit(deployment('one'), (d) => { d.spec.selector.matchLabels = { app: 'one' }; d.spec.template.metadata.labels = { app: 'one' }; });
    expect(lines('practice-disruption-budget', [deployment('web', 3), pdb, single])).toEqual([]);
  });
  test('fails (warning) 2+ replicas, or an HPA with minReplicas 2+, without a PDB', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 6 },
    };
    expect(lines('practice-disruption-budget', [deployment('web', 2), edit(deployment('api'), (d) => { delete d.spec.replicas; }), hpa])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.replicas' runs 2 replicas but no PodDisruptionBudget selects its pods. Fix: add a PodDisruptionBudget with maxUnavailable: 1 selecting the pod template labels",
      "warning: [test.yaml] Deployment shop/api 'spec.replicas' runs 2 replicas but no PodDisruptionBudget selects its pods. Fix: add a PodDisruptionBudget with maxUnavailable: 1 selecting the pod template labels",
    ]);
  });
});

describe('practice-spread', () => {
  test('passes replicas with topology spread constraints or pod anti-affinity', () => {
    expect(lines('practice-spread', [
      edit(deployment('a', 3), (d) => { d.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS } }]; }),
      edit(deployment('b', 3), (d) => { d.spec.template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } }; }),
    ])).toEqual([]);
  });
  test('fails (warning) replicas the scheduler may pack on one node', () => {
    expect(lines('practice-spread', [deployment('web', 3)])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.topologySpreadConstraints' is not set and there is no pod anti-affinity, though the workload runs 3 replicas. Fix: spread the pods over 'topology.kubernetes.io/zone' and 'kubernetes.io/hostname' (whenUnsatisfiable: ScheduleAnyway)",
    ]);
  });
});

describe('practice-network-policy', () => {
  test('passes pods selected by a NetworkPolicy of their namespace', () => {
    expect(lines('practice-network-policy', ok)).toEqual([]);
  });
  test('fails (warning) pods no NetworkPolicy selects', () => {
    const policy = surroundings()[2];
    expect(lines('practice-network-policy', [
      deployment(),
      edit(deployment('api'), (d) => { d.metadata.namespace = 'api'; }),
      edit(policy, (p) => { p.metadata.namespace = 'api'; p.spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'other' } }; }),
    ])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.metadata' has pods in namespace 'shop' that has no NetworkPolicy in this set, so they accept traffic from anywhere. Fix: add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')",
      "warning: [test.yaml] Deployment api/api 'spec.template.metadata' has pods that no NetworkPolicy selects, so they accept traffic from anywhere. Fix: add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')",
    ]);
  });
  test('fails (warning) when only an Egress policy selects the pods: their ingress stays open', () => {
    const policy = surroundings()[2];
    const egressOnly = (types: string[] | undefined, egress: unknown[]) => edit(policy, (p) => {
      p.spec = { podSelector: { matchLabels: LABELS }, ...(types ? { policyTypes: types } : {}), egress };
    });
    const warning = "warning: [test.yaml] Deployment shop/web 'spec.template.metadata' has pods that NetworkPolicies select only for Egress (their policyTypes have no Ingress), so they accept traffic from anywhere. Fix: add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')";
    expect(lines('practice-network-policy', [deployment(), egressOnly(['Egress'], [{ to: [{ podSelector: {} }] }])])).toEqual([warning]);
    // policyTypes left out: Ingress is implied (with Egress when there are egress rules), so the pods are isolated.
    expect(lines('practice-network-policy', [deployment(), egressOnly(undefined, [{ to: [{ podSelector: {} }] }])])).toEqual([]);
    expect(lines('practice-network-policy', [deployment(), egressOnly(['Ingress', 'Egress'], [])])).toEqual([]);
  });
});

describe('practice-egress-every-address', () => {
  const egress = (...to: unknown[]) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-egress', namespace: 'shop' },
    spec: { podSelector: { matchLabels: LABELS }, policyTypes: ['Egress'], egress: [{ to, ports: [{ protocol: 'TCP', port: 443 }] }] },
  });
  test('passes given CIDRs, and every address with the private ranges excepted (EgressTarget.internet)', () => {
    expect(lines('practice-egress-every-address', [
      egress({ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }),
      egress({ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7'] } }),
      egress({ namespaceSelector: {} }),
    ])).toEqual([]);
  });
  test('fails (warning) 0.0.0.0/0 or ::/0 with nothing excepted, which includes the metadata endpoint and the cluster', () => {
    const why = "lets the pods send to every address, including the cluster's pods and nodes and the cloud's metadata endpoint (169.254.169.254)";
    const fix = 'for public services use EgressTarget.internet({ ports }) (it excepts the private, link-local and loopback ranges), or list the CIDRs the pods need; if every address is intended, suppress this rule with the reason';
    expect(lines('practice-egress-every-address', [egress({ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0', except: [] } })])).toEqual([
      `warning: [test.yaml] NetworkPolicy shop/web-egress 'spec.egress[0].to[1].ipBlock' ${why}, got '0.0.0.0/0'. Fix: ${fix}`,
      `warning: [test.yaml] NetworkPolicy shop/web-egress 'spec.egress[0].to[2].ipBlock' ${why}, got '::/0'. Fix: ${fix}`,
    ]);
  });
});

describe('practice-secret-literal', () => {
  test('passes a Secret without data (filled by a controller)', () => {
    expect(lines('practice-secret-literal', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'shop' }, type: 'kubernetes.io/tls' }])).toEqual([]);
  });
  test('fails (warning) literal data and stringData', () => {
    expect(lines('practice-secret-literal', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: 'hunter2' } }])).toEqual([
      "warning: [test.yaml] Secret shop/db 'stringData' holds 1 literal value (password). Fix: create the Secret from a secret store (ExternalSecret, SealedSecret, SOPS) and reference it by name",
    ]);
  });
});

describe('practice-env-secret-literal', () => {
  test('passes secrets read from a Secret, and ordinary literals', () => {
    expect(lines('practice-env-secret-literal', [pod((s) => {
      s.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'LOG_LEVEL', value: 'debug' }];
    })])).toEqual([]);
  });
  test('fails (warning) a literal value for a secret-looking name', () => {
    expect(lines('practice-env-secret-literal', [pod((s) => { s.containers[0].env = [{ name: 'STRIPE_API_KEY', value: 'sk_live_123' }]; })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[0].value' is a literal value for 'STRIPE_API_KEY' in container 'main', which looks like a secret. Fix: read it from a Secret: valueFrom.secretKeyRef (timonel: EnvValue.fromSecret('<secret>', '<key>'))",
    ]);
  });
});

describe('practice-service-exposure', () => {
  test('passes a ClusterIP Service', () => {
    expect(lines('practice-service-exposure', ok)).toEqual([]);
  });
  test('fails (warning) LoadBalancer and NodePort Services', () => {
    expect(lines('practice-service-exposure', [edit(surroundings()[1], (s) => { s.spec.type = 'NodePort'; })])).toEqual([
      "warning: [test.yaml] Service shop/web 'spec.type' exposes the Service outside the cluster, got 'NodePort'. Fix: use ClusterIP behind an Ingress or Gateway; if direct exposure is intended, suppress this rule with the reason",
    ]);
  });
  test('passes a LoadBalancer limited to client ranges; fails one open to any client', () => {
    const lb = (ranges?: string[]) => [edit(surroundings()[1], (s) => { s.spec.type = 'LoadBalancer'; s.spec.loadBalancerSourceRanges = ranges; })];
    expect(lines('practice-service-exposure', lb(['203.0.113.0/24', '2001:db8::/32']))).toEqual([]);
    const open = [
      "warning: [test.yaml] Service shop/web 'spec.type' exposes the Service outside the cluster to any client, got 'LoadBalancer'. Fix: use ClusterIP behind an Ingress or Gateway, or limit the clients with spec.loadBalancerSourceRanges (WebApp: service.loadBalancerSourceRanges, or extraServices[i].loadBalancerSourceRanges for an extra Service); if open exposure is intended, suppress this rule with the reason",
    ];
    expect(lines('practice-service-exposure', lb())).toEqual(open);
    expect(lines('practice-service-exposure', lb(['203.0.113.0/24', '0.0.0.0/0']))).toEqual(open);
    expect(lines('practice-service-exposure', lb(['::/0']))).toEqual(open);
  });
});

const role = (rules: any[], kind = 'Role') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'web', ...(kind === 'Role' ? { namespace: 'shop' } : {}) }, rules,
});
const binding = (roleName: string, kind = 'RoleBinding') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'web', ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
});

describe('practice-rbac-wildcard', () => {
  test('passes roles that name their verbs, resources and groups', () => {
    expect(lines('practice-rbac-wildcard', [role([{ apiGroups: ['', 'apps'], resources: ['configmaps', 'deployments/scale'], verbs: ['get', 'update'] }])])).toEqual([]);
  });
  test("fails (warning) '*' in verbs, resources (also a subresource wildcard) or API groups", () => {
    expect(lines('practice-rbac-wildcard', [role([{ apiGroups: ['*'], resources: ['pods/*'], verbs: ['*'] }], 'ClusterRole')])).toEqual([
      "warning: [test.yaml] ClusterRole web 'rules[0].verbs' grants every verb with '*', got [\"*\"]. Fix: list the verbs the workload uses (e.g. ['get', 'list', 'watch'])",
      "warning: [test.yaml] ClusterRole web 'rules[0].resources' grants every resource with '*', got [\"pods/*\"]. Fix: list the resources the workload uses (e.g. ['configmaps'])",
      "warning: [test.yaml] ClusterRole web 'rules[0].apiGroups' grants every API group with '*', got [\"*\"]. Fix: list the apiGroups the workload uses (e.g. ['', 'apps'])",
    ]);
  });
});

describe('practice-rbac-cluster-admin', () => {
  test('passes bindings of narrower roles', () => {
    expect(lines('practice-rbac-cluster-admin', [binding('view'), binding('edit', 'ClusterRoleBinding')])).toEqual([]);
  });
  test('fails (error) a RoleBinding or ClusterRoleBinding to cluster-admin', () => {
    expect(lines('practice-rbac-cluster-admin', [binding('cluster-admin'), binding('cluster-admin', 'ClusterRoleBinding')])).toEqual([
      "error: [test.yaml] RoleBinding shop/web 'roleRef.name' binds the cluster-admin ClusterRole (every permission in the namespace), got 'cluster-admin'. Fix: grant the verbs and resources the workload uses (workload.grant({ rules: [...] })), or bind a narrower role such as 'view' or 'edit'",
      "error: [test.yaml] ClusterRoleBinding web 'roleRef.name' binds the cluster-admin ClusterRole (every permission in the cluster), got 'cluster-admin'. Fix: grant the verbs and resources the workload uses (workload.grant({ rules: [...] })), or bind a narrower role such as 'view' or 'edit'",
    ]);
  });
});

describe('practice-rbac-secrets', () => {
  test('passes get on named Secrets, Secrets in another group, and writes without reads', () => {
    expect(lines('practice-rbac-secrets', [role([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['tls-cert'] },
      { apiGroups: ['example.com'], resources: ['secrets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ])])).toEqual([]);
  });
  test('fails (warning) reading every Secret, through secrets or a wildcard', () => {
    expect(lines('practice-rbac-secrets', [role([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['watch'] },
    ], 'ClusterRole')])).toEqual([
      "warning: [test.yaml] ClusterRole web 'rules[0]' can get, list all Secrets (in every namespace it is bound in, or the whole cluster), got {\"resources\":[\"secrets\"],\"verbs\":[\"get\",\"list\"]}. Fix: grant 'get' on the Secrets the workload needs by name (resourceNames), or mount them instead (EnvValue.fromSecret, a secret volume)",
      "warning: [test.yaml] ClusterRole web 'rules[1]' can watch all Secrets (in every namespace it is bound in, or the whole cluster), got {\"resources\":[\"*\"],\"verbs\":[\"watch\"]}. Fix: grant 'get' on the Secrets the workload needs by name (resourceNames), or mount them instead (EnvValue.fromSecret, a secret volume)",
    ]);
  });
});

describe('practice-ephemeral-data', () => {
  const sts = (annotations?: Record<string, string>) => edit(deployment(), (d) => {
    d.kind = 'StatefulSet';
    d.spec.serviceName = 'web';
    if (annotations) d.metadata.annotations = annotations;
  });
  test('passes a StatefulSet without the annotation, and a cache (timonel.dev/data: cache)', () => {
    expect(lines('practice-ephemeral-data', [sts(), sts({ 'timonel.dev/data': 'cache' })])).toEqual([]);
  });
  test('fails (warning) a store marked timonel.dev/data: ephemeral', () => {
    expect(lines('practice-ephemeral-data', [sts({ 'timonel.dev/data': 'ephemeral' })])).toEqual([
      "warning: [test.yaml] StatefulSet shop/web 'metadata.annotations[\"timonel.dev/data\"]' marks a store whose data is on an emptyDir: it is lost when the pod is deleted, evicted or rescheduled, got 'ephemeral'. Fix: fine for development (suppress the rule there, with the reason); elsewhere drop 'ephemeral: true' so the data gets a PersistentVolumeClaim",
    ]);
  });
});

describe('practice-single-instance', () => {
  const image = (replicas: number, img: string) => edit(deployment('web', replicas), (d) => { d.spec.template.spec.containers[0].image = img; });
  test('passes one replica of redis, and many replicas of other images', () => {
    expect(lines('practice-single-instance', [image(1, 'redis:7.4.1'), image(3, 'ghcr.io/acme/redis-proxy:1.0.0'), image(2, 'bitnami/redis:7.4')])).toEqual([]);
  });
  test('fails (warning) mirrors of the official images too: by the last part of the repository', () => {
    const mirrors = ['mirror.gcr.io/library/redis:7.4.1', 'harbor.corp/dockerhub/postgres:16.4', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/postgres:16.4', 'valkey/valkey:8.0.1'];
    expect(lines('practice-single-instance', mirrors.map((m) => image(2, m))).map((l) => /runs 2 replicas of '(\w+)'/.exec(l)?.[1])).toEqual(['redis', 'postgres', 'postgres', 'valkey']);
  });
  test('fails (warning) a Deployment with 2 or more replicas of an official database or Redis image', () => {
    expect(lines('practice-single-instance', [image(2, 'redis:7.4.1'), image(3, 'docker.io/library/postgres:16.4')])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].image' runs 2 replicas of 'redis' in container 'main': each pod is an independent server with its own data, not a replica, got 'redis:7.4.1'. Fix: run one pod (timonel's Redis or PostgreSQL preset, or replicas: 1), or use an operator for replication",
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].image' runs 3 replicas of 'postgres' in container 'main': each pod is an independent server with its own data, not a replica, got 'docker.io/library/postgres:16.4'. Fix: run one pod (timonel's Redis or PostgreSQL preset, or replicas: 1), or use an operator for replication",
    ]);
  });
});
