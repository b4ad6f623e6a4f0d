import { expectValidManifests, isCustomResource, isKnownKind, validateManifest } from './schema';

const labels = { 'app.kubernetes.io/name': 'web' };

function deployment(container: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', labels, annotations: { 'example.com/anything': 'goes' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
              ...container,
            },
          ],
        },
      },
    },
  };
}

function service(port: unknown, targetPort: unknown = 'http'): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: labels, ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }] },
  };
}

const podTemplate = {
  metadata: { labels },
  spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }] },
};

const builtins: any[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app.yaml': 'a: 1\n', ANY_KEY: 'x' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' }, stringData: { user: 'admin' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, automountServiceAccountToken: false },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pct' }, spec: { minAvailable: '50%', selector: { matchLabels: labels } } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['example.com'], secretName: 'tls' }],
      rules: [
        {
          host: 'example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
        },
      ],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web' },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { backoffLimit: 3, template: podTemplate } },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: podTemplate } } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reader' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'prod' }],
  },
  service(80),
];

const customResources: any[] = [
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web' }, spec: { endpoints: [{ port: 'http' }] } },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' }, spec: {} },
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db' }, spec: {} },
];

describe('validateManifest', () => {
  test('a minimal valid Deployment passes', () => {
    expect(validateManifest(deployment())).toEqual([]);
    expect(
      validateManifest({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'min' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      }),
    ).toEqual([]);
  });

  test('an unknown field fails, naming its path', () => {
    const errors = validateManifest(deployment({ imagePullPolicyy: 'Always' }));
    expect(errors).toEqual(['spec.template.spec.containers[0].imagePullPolicyy: unknown field']);
  });

  test('unknown fields are rejected at every level, including metadata and the top level', () => {
    const obj = deployment();
    obj.metadata.lables = { a: 'b' };
    obj.spec.template.spec.securityContext = { runAsNonRoot: true, runAsUsr: 1000 };
    obj.extra = 1;
    expect(validateManifest(obj).sort()).toEqual(
      ['extra: unknown field', 'metadata.lables: unknown field', 'spec.template.spec.securityContext.runAsUsr: unknown field'].sort(),
    );
  });

  test('a Service with port "abc" fails', () => {
    const errors = validateManifest(service('abc'));
    expect(errors).toEqual(['spec.ports[0].port: must be integer (got "abc")']);
  });

  test('intOrString accepts named and numeric targetPort and percentages, rejects other types', () => {
    expect(validateManifest(service(80, 'http'))).toEqual([]);
    expect(validateManifest(service(80, 8080))).toEqual([]);
    expect(validateManifest(service(80, true))).toEqual(['spec.ports[0].targetPort: must be integer or string (got true)']);
    expect(validateManifest(service(80, 1.5))).toEqual(['spec.ports[0].targetPort: must be integer or string (got 1.5)']);
    expect(validateManifest(service(2 ** 31))).toEqual(['spec.ports[0].port: must be a 32-bit integer (got 2147483648)']);
    expect(validateManifest(service(1.5))).toEqual(['spec.ports[0].port: must be integer (got 1.5)']);
    expect(validateManifest(service(80, 2 ** 31))).toEqual(['spec.ports[0].targetPort: must be <= 2147483647 (got 2147483648)']);
  });

  test.each(['500m', '128Mi', '1', '0.5', '1e3', '2Gi', '+1k', 1, 0.25])('quantity %p passes', (cpu) => {
    expect(validateManifest(deployment({ resources: { requests: { cpu, memory: cpu } } }))).toEqual([]);
  });

  test.each(['abc', '500 m', '1.2.3', '', '10MiB', '1mi'])('quantity %p fails', (cpu) => {
    expect(validateManifest(deployment({ resources: { limits: { cpu } } }))).toEqual([
      `spec.template.spec.containers[0].resources.limits.cpu: must be a Kubernetes quantity (e.g. "500m", "128Mi", 1) (got ${JSON.stringify(cpu)})`,
    ]);
  });

  test('required fields, types and base64 data are checked', () => {
    // the v1.28 swagger definitions carry enums only for `kind` (value enums such as
    // imagePullPolicy live in descriptions), so only those are enforced
    expect(validateManifest({ ...deployment(), spec: { ...deployment().spec, template: { ...deployment().spec.template, kind: 'Pod' } } })).toEqual([
      'spec.template.kind: unknown field',
    ]);
    expect(
      validateManifest({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'h' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu' } }] },
      }),
    ).toEqual(['spec.metrics[0].resource.target: required field is missing']);
    const noSelector = deployment();
    delete noSelector.spec.selector;
    expect(validateManifest(noSelector)).toEqual(['spec.selector: required field is missing']);
    expect(validateManifest({ ...deployment(), spec: { ...deployment().spec, replicas: '2' } })).toEqual(['spec.replicas: must be integer (got "2")']);
    expect(validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'not base64!' } })).toEqual([
      'data.k: must be base64-encoded data (got "not base64!")',
    ]);
    const badLabel = deployment();
    badLabel.metadata.labels = { 'app.kubernetes.io/version': 1 };
    expect(validateManifest(badLabel)).toEqual(['metadata.labels["app.kubernetes.io/version"]: must be string (got 1)']);
  });

  test.each(builtins.map((o) => [`${o.apiVersion} ${o.kind}/${o.metadata.name}`, o]))('%s validates', (_name, obj) => {
    expect(validateManifest(obj)).toEqual([]);
  });

  test('an unknown kind is reported', () => {
    for (const cr of customResources) {
      expect(isKnownKind(cr)).toBe(false);
      expect(isCustomResource(cr)).toBe(true);
      expect(validateManifest(cr)).toEqual([
        `unknown kind: apiVersion "${cr.apiVersion}", kind "${cr.kind}" has no Kubernetes 1.28 schema`,
      ]);
    }
    // typo'd kinds and removed API versions in built-in groups are unknown, but not custom resources
    for (const obj of [{ ...deployment(), kind: 'Deploymnt' }, { ...deployment(), apiVersion: 'extensions/v1beta1' }]) {
      expect(isKnownKind(obj)).toBe(false);
      expect(isCustomResource(obj)).toBe(false);
      expect(validateManifest(obj)[0]).toMatch(/^unknown kind: /);
    }
    expect(isKnownKind(deployment())).toBe(true);
    expect(validateManifest({ metadata: { name: 'x' } })).toEqual([
      'apiVersion: required string field is missing',
      'kind: required string field is missing',
    ]);
    expect(validateManifest(null)).toEqual(['(root): must be an object (got null)']);
  });
});

describe('expectValidManifests', () => {
  test('passes silently for valid objects', () => {
    expect(() => expectValidManifests([deployment(), ...builtins])).not.toThrow();
  });

  test('throws one Error listing every invalid object as kind/name with its errors', () => {
    const bad = deployment({ imagePullPolicyy: 'Always' });
    let message = '';
    try {
      expectValidManifests([deployment(), bad, service('abc'), customResources[0]]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        '3 of 4 manifest(s) failed Kubernetes 1.28 schema validation:',
        '',
        'Deployment/web:',
        '  - spec.template.spec.containers[0].imagePullPolicyy: unknown field',
        '',
        'Service/web:',
        '  - spec.ports[0].port: must be integer (got "abc")',
        '',
        'ServiceMonitor/web:',
        '  - unknown kind: apiVersion "monitoring.coreos.com/v1", kind "ServiceMonitor" has no Kubernetes 1.28 schema',
      ].join('\n'),
    );
  });

  test('skips custom resources only when asked, and never unknown built-in kinds', () => {
    expect(() => expectValidManifests([deployment(), ...customResources])).toThrow(/ServiceMonitor\/web:[\s\S]*HTTPRoute\/web:[\s\S]*ExternalSecret\/db:/);
    expect(() => expectValidManifests([deployment(), ...customResources], { skipCustomResources: true })).not.toThrow();
    expect(() => expectValidManifests([{ ...deployment(), kind: 'Deploymnt' }], { skipCustomResources: true })).toThrow(
      /Deploymnt\/web:\n  - unknown kind/,
    );
  });
});
