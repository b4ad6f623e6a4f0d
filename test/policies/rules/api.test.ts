import { container, cronJob, deployment, edit, lines, surroundings } from '../helpers';

const ok = [deployment(), ...surroundings(), cronJob()];

describe('api-object-name', () => {
  test('passes valid names per kind', () => {
    expect(lines('api-object-name', [...ok, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:metrics-reader' } }])).toEqual([]);
  });
  test('fails names the API server rejects, per kind', () => {
    expect(lines('api-object-name', [
      edit(deployment(), (d) => { d.metadata.name = 'Web_App'; }),
      edit(surroundings()[1], (s) => { s.metadata.name = '1web'; }),
      edit(cronJob(), (c) => { c.metadata.name = 'a'.repeat(53); }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'Shop' } },
    ])).toEqual([
      "error: [test.yaml] Deployment shop/Web_App 'metadata.name' is not a valid DNS-1123 subdomain, got 'Web_App'. Allowed: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters. Fix: write 'web-app'",
      "error: [test.yaml] Service shop/1web 'metadata.name' is not a valid DNS-1035 label, got '1web'. Allowed: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters. Fix: start the name with a letter",
      `error: [test.yaml] CronJob shop/${'a'.repeat(53)} 'metadata.name' must be at most 52 characters for a DNS-1123 subdomain, but is 53 (the CronJob controller appends 11 characters to name its Jobs), got '${'a'.repeat(53)}'. Allowed: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters. Fix: shorten it to 52 characters`,
      "error: [test.yaml] ConfigMap Shop/<unnamed> 'metadata.name' is required. Fix: give the object a name",
      "error: [test.yaml] ConfigMap Shop/<unnamed> 'metadata.namespace' is not a valid DNS-1123 label, got 'Shop'. Allowed: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters. Fix: write 'shop'",
    ]);
  });
});

describe('api-labels', () => {
  test('passes valid labels and selectors', () => {
    expect(lines('api-labels', ok)).toEqual([]);
  });
  test('fails invalid keys, values and non-string values', () => {
    expect(lines('api-labels', [edit(deployment(), (d) => {
      d.metadata.labels['example.com/team name'] = 'a';
      d.metadata.labels.version = 1.2;
      d.spec.template.metadata.labels.release = 'v1.0-';
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'metadata.labels[\"example.com/team name\"]' has an invalid label key, got 'example.com/team name'. Allowed: an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit. Fix: use a key such as 'app.kubernetes.io/name' or 'team'",
      "error: [test.yaml] Deployment shop/web 'metadata.labels.version' must be a string, got 1.2. Fix: quote the value as written in the YAML, not the number shown: kubectl reads unquoted numbers as numbers (YAML 1.1: 1.10 is 1.1, 0777 and 0o777 are 511), e.g. VERSION: '1.10'",
      "error: [test.yaml] Deployment shop/web 'spec.template.metadata.labels.release' is not a valid label value, got 'v1.0-'. Allowed: at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty). Fix: replace other characters with '-'",
    ]);
  });
});

describe('api-annotations', () => {
  test('passes small annotations', () => {
    expect(lines('api-annotations', [edit(deployment(), (d) => { d.metadata.annotations = { 'example.com/owner': 'team-a' }; })])).toEqual([]);
  });
  test('fails invalid keys and more than 256 KiB in total', () => {
    expect(lines('api-annotations', [edit(deployment(), (d) => {
      d.metadata.annotations = { 'bad key': 'x', 'example.com/blob': 'x'.repeat(256 * 1024) };
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'metadata.annotations[\"bad key\"]' has an invalid annotation key, got 'bad key'. Allowed: an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.'. Fix: use a key such as 'example.com/owner'",
      "error: [test.yaml] Deployment shop/web 'metadata.annotations' total 262168 bytes, over the 262144-byte (256 KiB) limit. Fix: move large content into a ConfigMap; avoid kubectl.kubernetes.io/last-applied-configuration by using server-side apply",
    ]);
  });
});

describe('api-port-name', () => {
  test('passes IANA service names and DNS-label Service port names', () => {
    expect(lines('api-port-name', ok)).toEqual([]);
  });
  test('fails long or malformed port names in pods, Services and probes', () => {
    expect(lines('api-port-name', [
      edit(deployment(), (d) => {
        const c = d.spec.template.spec.containers[0];
        c.ports[0].name = 'http-management';
        c.ports.push({ name: 'metrics-endpoint', containerPort: 9090 });
        c.readinessProbe.httpGet.port = 'HTTP';
      }),
      edit(surroundings()[1], (s) => { s.spec.ports.push({ port: 9090, targetPort: 9090 }); }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[1].name' must be at most 15 characters, but is 16, got 'metrics-endpoint'. Allowed: an IANA service name: lowercase letters, digits and '-', at most 15 characters. Fix: shorten it, e.g. 'metrics-endpoin'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].readinessProbe.httpGet.port' is not a valid port name, got 'HTTP'. Allowed: lowercase letters, digits and '-', with at least one letter, no '--', not starting or ending with '-'. Fix: write 'http'",
      "error: [test.yaml] Service shop/web 'spec.ports[1].name' is required when a Service has more than one port. Fix: name every port, e.g. 'http'",
    ]);
  });
});

describe('api-port-number', () => {
  test('passes ports from 1 to 65535', () => {
    expect(lines('api-port-number', ok)).toEqual([]);
  });
  test('fails ports out of range or missing', () => {
    expect(lines('api-port-number', [
      edit(deployment(), (d) => { d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 70000 }, { name: 'x' }]; }),
      edit(surroundings()[1], (s) => { s.spec.ports[0].port = 0; }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[0].containerPort' must be a port number, got 70000. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[1].containerPort' is required. Allowed: an integer from 1 to 65535. Fix: set the port number",
      "error: [test.yaml] Service shop/web 'spec.ports[0].port' must be a port number, got 0. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535",
    ]);
  });
  test('fails ports written as strings: a number in quotes anywhere, a name where only a number goes (the API server refuses both; they passed)', () => {
    expect(lines('api-port-number', [
      edit(deployment(), (d) => {
        const c = d.spec.template.spec.containers[0];
        c.ports = [{ name: 'http', containerPort: '8080' }, { name: 'admin', containerPort: 'admin' }];
        c.readinessProbe = { httpGet: { path: '/ready', port: '8080' } };
      }),
      edit(surroundings()[1], (s) => { s.spec.ports[0].port = '80'; s.spec.ports[0].targetPort = '8080'; }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[0].containerPort' is a port number written as a string, got '8080'. Allowed: an integer from 1 to 65535. Fix: write it as a number: 8080",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[1].containerPort' must be a port number, not a name, got 'admin'. Allowed: an integer from 1 to 65535. Fix: write the number the container listens on",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].readinessProbe.httpGet.port' is a port number written as a string, got '8080'. Allowed: an integer from 1 to 65535, or the name of a container port. Fix: write it as a number: 8080",
      "error: [test.yaml] Service shop/web 'spec.ports[0].port' is a port number written as a string, got '80'. Allowed: an integer from 1 to 65535. Fix: write it as a number: 80",
      "error: [test.yaml] Service shop/web 'spec.ports[0].targetPort' is a port number written as a string, got '8080'. Allowed: an integer from 1 to 65535, or the name of a container port. Fix: write it as a number: 8080",
    ]);
  });
  test('fails when a Service has the same port and protocol twice (the API server refuses it; it passed)', () => {
    expect(lines('api-port-number', [
      edit(surroundings()[1], (s) => {
        s.spec.ports = [
          { name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 80, targetPort: 'admin', protocol: 'TCP' }, { name: 'dns', port: 80, targetPort: 'dns', protocol: 'UDP' },
        ];
      }),
    ])).toEqual([
      "error: [test.yaml] Service shop/web 'spec.ports[1].port' repeats 80/TCP of spec.ports[0]: the API server refuses a Service with a port twice, got 80. Allowed: each port and protocol once per Service. Fix: give the port a number of its own, or remove it",
    ]);
  });
});

describe('api-pod-names', () => {
  test('passes unique, valid container, port and volume names', () => {
    expect(lines('api-pod-names', [edit(deployment(), (d) => {
      d.spec.template.spec.initContainers = [{ ...container('migrate'), ports: [] }];
    })])).toEqual([]);
  });
  test('fails duplicate container names (across init containers), duplicate port names and volume names', () => {
    expect(lines('api-pod-names', [edit(deployment(), (d) => {
      const s = d.spec.template.spec;
      s.initContainers = [container('main')];
      s.containers.push({ ...container('Sidecar'), ports: [{ name: 'http', containerPort: 9000 }] });
      s.volumes.push({ name: 'tmp', emptyDir: {} });
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[1].name' is not a valid container name, got 'Sidecar'. Allowed: a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters. Fix: rename it, e.g. 'sidecar'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[1].ports[0].name' repeats the port name 'http' (also spec.template.spec.containers[0].ports[0].name), got 'http'. Fix: give every port of the pod its own name, so Services and probes that refer to it by name are unambiguous",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].name' repeats the container name 'main' (also spec.template.spec.containers[0]), got 'main'. Fix: give every container, init container and ephemeral container its own name",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].ports[0].name' repeats the port name 'http' (also spec.template.spec.containers[0].ports[0].name), got 'http'. Fix: give every port of the pod its own name, so Services and probes that refer to it by name are unambiguous",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.volumes[1].name' repeats the volume name 'tmp' (also spec.template.spec.volumes[0]), got 'tmp'. Fix: rename one of the volumes",
    ]);
  });
});

describe('api-container-image', () => {
  test('passes tagged and digest images', () => {
    expect(lines('api-container-image', ok)).toEqual([]);
  });
  test('fails a missing or malformed image', () => {
    expect(lines('api-container-image', [edit(deployment(), (d) => {
      d.spec.template.spec.containers.push({ ...container('b'), image: undefined, ports: [] }, { ...container('c'), image: 'Registry/Web:1', ports: [] });
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[1].image' is required for container 'b'. Fix: set an image pinned to a version, e.g. 'nginx:1.27.2'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[2].image' is not a valid image reference for container 'c', got 'Registry/Web:1'. Allowed: '[registry/]repository:tag' or '[registry/]repository@sha256:<digest>' with a lowercase repository. Fix: write the image as '[registry/]repository:tag', e.g. 'ghcr.io/acme/web:1.4.2'",
    ]);
  });
});

describe('api-selector-match', () => {
  test('passes a selector that is a subset of the template labels', () => {
    expect(lines('api-selector-match', [edit(deployment(), (d) => {
      d.spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'In', values: ['shop-web'] }] };
    })])).toEqual([]);
  });
  test('fails a selector that does not match the template, and a missing one', () => {
    expect(lines('api-selector-match', [
      edit(deployment('a'), (d) => { d.spec.template.metadata.labels['app.kubernetes.io/name'] = 'webapp'; }),
      edit(deployment('b'), (d) => { delete d.spec.selector; }),
      edit(deployment('c'), (d) => { d.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }; }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/a 'spec.selector.matchLabels[\"app.kubernetes.io/name\"]' selects 'app.kubernetes.io/name=web' but the pod template has 'app.kubernetes.io/name=webapp' in spec.template.metadata.labels. Fix: make the selector a subset of the pod template labels",
      "error: [test.yaml] Deployment shop/b 'spec.selector' is required for a Deployment in apps/v1. Fix: set spec.selector.matchLabels to the stable labels of the pod template (e.g. 'app.kubernetes.io/name' and 'app.kubernetes.io/instance')",
      "error: [test.yaml] Deployment shop/c 'spec.selector.matchExpressions' does not match the pod template labels in spec.template.metadata.labels, got [{\"key\":\"tier\",\"operator\":\"Exists\"}]. Fix: make the selector match the pod template labels",
    ]);
  });
});

describe('api-pod-containers', () => {
  test('passes pods with a container (init containers alone are not enough)', () => {
    expect(lines('api-pod-containers', ok)).toEqual([]);
  });
  test('fails a pod template without containers, and an empty list', () => {
    expect(lines('api-pod-containers', [
      edit(deployment(), (d) => { d.spec.template.spec = { hostname: 'poller' }; }),
      edit(cronJob(), (c) => { c.spec.jobTemplate.spec.template.spec.containers = []; c.spec.jobTemplate.spec.template.spec.initContainers = [container('init')]; }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'shop' } },
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers' is required: the pod has no containers. Allowed: a list of at least one container. Fix: add a container; in a Workload of your own, pass this.podTemplate() on whole (podTemplate().spec is rendered at synth: don't spread or read it; give fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' }), or use patchManifest; see docs/custom-workloads.md)",
      "error: [test.yaml] CronJob shop/nightly 'spec.jobTemplate.spec.template.spec.containers' is required: the pod has no containers (init containers do not count), got []. Allowed: a list of at least one container. Fix: add a container; in a Workload of your own, pass this.podTemplate() on whole (podTemplate().spec is rendered at synth: don't spread or read it; give fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' }), or use patchManifest; see docs/custom-workloads.md)",
      "error: [test.yaml] Pod shop/bare 'spec.containers' is required: the pod has no containers. Allowed: a list of at least one container. Fix: add a container; in a Workload of your own, pass this.podTemplate() on whole (podTemplate().spec is rendered at synth: don't spread or read it; give fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' }), or use patchManifest; see docs/custom-workloads.md)",
    ]);
  });
});

describe('api-restart-policy', () => {
  test('passes Never for CronJobs and the default for Deployments', () => {
    expect(lines('api-restart-policy', ok)).toEqual([]);
  });
  test('fails a CronJob without Never/OnFailure and a Deployment with Never', () => {
    expect(lines('api-restart-policy', [
      edit(cronJob(), (c) => { delete c.spec.jobTemplate.spec.template.spec.restartPolicy; }),
      edit(deployment(), (d) => { d.spec.template.spec.restartPolicy = 'Never'; }),
    ])).toEqual([
      "error: [test.yaml] CronJob shop/nightly 'spec.jobTemplate.spec.template.spec.restartPolicy' must be set for a CronJob (the default 'Always' is not allowed). Allowed: 'Never' or 'OnFailure'. Fix: set restartPolicy: 'Never' (let the Job retry with backoffLimit) or 'OnFailure'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.restartPolicy' must be 'Always' for a Deployment, got 'Never'. Allowed: 'Always' (or leave it out). Fix: remove restartPolicy, or use a Job for run-to-completion work",
    ]);
  });
});

describe('api-resources', () => {
  test('passes valid quantities with requests within limits (and no CPU limit)', () => {
    expect(lines('api-resources', ok)).toEqual([]);
  });
  test('fails malformed quantities, milli-bytes and requests above limits', () => {
    expect(lines('api-resources', [edit(deployment(), (d) => {
      const c = d.spec.template.spec.containers[0];
      c.resources = { requests: { cpu: '2 cores', memory: '512Mi' }, limits: { memory: '256Mi', 'ephemeral-storage': '100m' } };
      d.spec.template.spec.volumes[0].emptyDir.sizeLimit = '1GB';
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].resources.requests.cpu' is not a valid Kubernetes cpu quantity, got '2 cores'. Allowed: cores as a number or millicores: '250m', '0.5', '2'. Fix: write '2'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].resources.limits.ephemeral-storage' uses the milli suffix 'm' (thousandths of a byte), got '100m'. Allowed: bytes with a binary suffix: '10Gi', '500Mi' (or decimal 'G'; not 'GB'). Fix: for mebibytes write 'Mi'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].resources.requests.memory' request 512Mi is above the limit 256Mi, got {\"request\":\"512Mi\",\"limit\":\"256Mi\"}. Allowed: a request lower than or equal to its limit. Fix: raise the memory limit or lower the request",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.volumes[0].emptyDir.sizeLimit' is not a valid Kubernetes storage quantity, got '1GB'. Allowed: bytes with a binary suffix: '10Gi', '500Mi' (or decimal 'G'; not 'GB'). Fix: write '1Gi'",
    ]);
  });
  test('fails extended resources whose request differs from the limit, or that are fractions', () => {
    const gpu = (name: string, resources: unknown) => edit(deployment(), (d) => {
      d.metadata.name = name;
      d.spec.template.spec.containers[0].resources = resources;
    });
    expect(lines('api-resources', [
      gpu('same', { requests: { 'nvidia.com/gpu': 2 }, limits: { 'nvidia.com/gpu': '2' } }),
      gpu('limit-only', { limits: { 'nvidia.com/gpu': 1 } }),
      gpu('lower', { requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 2 } }),
      gpu('half', { limits: { 'amd.com/gpu': '500m' } }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/lower 'spec.template.spec.containers[0].resources.requests[\"nvidia.com/gpu\"]' must equal its limit (2): extended resources are not overcommitted, got 1. Fix: set both to the same number, or give only the limit (the request defaults to it); timonel's resources.extended writes both",
      "error: [test.yaml] Deployment shop/half 'spec.template.spec.containers[0].resources.limits[\"amd.com/gpu\"]' must be a whole number of devices: an extended resource cannot be shared, got '500m'. Fix: use a whole number such as 1",
    ]);
  });
  test('a quantity valid for one resource is still checked for another, in every object', () => {
    const withResources = (name: string, resources: unknown) => edit(deployment(), (d) => {
      d.metadata.name = name;
      d.spec.template.spec.containers[0].resources = resources;
    });
    expect(lines('api-resources', [
      withResources('a', { requests: { cpu: '100m' }, limits: { cpu: '100m' } }),
      withResources('b', { requests: { memory: '100m', cpu: '100m' } }),
      withResources('c', { requests: { cpu: '200m' }, limits: { cpu: '100m' } }),
      withResources('d', { requests: { memory: '100m' } }),
      withResources('e', { requests: { memory: '512' }, limits: { memory: '512' } }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/b 'spec.template.spec.containers[0].resources.requests.memory' uses the milli suffix 'm' (thousandths of a byte), got '100m'. Allowed: bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB'). Fix: for mebibytes write 'Mi'",
      "error: [test.yaml] Deployment shop/c 'spec.template.spec.containers[0].resources.requests.cpu' request 200m is above the limit 100m, got {\"request\":\"200m\",\"limit\":\"100m\"}. Allowed: a request lower than or equal to its limit. Fix: raise the cpu limit or lower the request",
      "error: [test.yaml] Deployment shop/d 'spec.template.spec.containers[0].resources.requests.memory' uses the milli suffix 'm' (thousandths of a byte), got '100m'. Allowed: bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB'). Fix: for mebibytes write 'Mi'",
      "error: [test.yaml] Deployment shop/e 'spec.template.spec.containers[0].resources.requests.memory' is 512 bytes (a number without a unit is bytes), less than any container needs, got '512'. Allowed: bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB'), at least 1Mi. Fix: write '512Mi' (or '512Gi')",
      "error: [test.yaml] Deployment shop/e 'spec.template.spec.containers[0].resources.limits.memory' is 512 bytes (a number without a unit is bytes), less than any container needs, got '512'. Allowed: bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB'), at least 1Mi. Fix: write '512Mi' (or '512Gi')",
    ]);
  });
});

describe('api-env-names', () => {
  test('passes names Kubernetes accepts, including dots and dashes', () => {
    expect(lines('api-env-names', [edit(deployment(), (d) => {
      d.spec.template.spec.containers[0].env = [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'spring.profiles-active', value: 'prod' }];
    })])).toEqual([]);
  });
  test('fails names starting with a digit, value with valueFrom, and a bad envFrom prefix', () => {
    expect(lines('api-env-names', [edit(deployment(), (d) => {
      const c = d.spec.template.spec.containers[0];
      c.env = [{ name: '1PORT', value: '80' }, { name: 'MODE', value: 'a', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
      c.envFrom = [{ prefix: 'MY PREFIX_', configMapRef: { name: 'x' } }];
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[0].name' has an invalid variable name, got '1PORT'. Allowed: letters, digits, '_', '-' and '.', not starting with a digit. Fix: rename it, e.g. '_1PORT' or 'VAR_1PORT'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[1].valueFrom' cannot be set together with 'value'. Fix: keep either the literal 'value' or 'valueFrom'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].envFrom[0].prefix' has an invalid variable name, got 'MY PREFIX_'. Allowed: letters, digits, '_', '-' and '.', not starting with a digit. Fix: use names like LOG_LEVEL",
    ]);
  });
});

describe('api-volume-mounts', () => {
  test('passes mounts of pod volumes and StatefulSet claim templates', () => {
    expect(lines('api-volume-mounts', [edit(deployment(), (d) => {
      d.kind = 'StatefulSet';
      d.spec.serviceName = 'web';
      d.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
      d.spec.template.spec.containers[0].volumeMounts.push({ name: 'data', mountPath: '/data' });
    })])).toEqual([]);
  });
  test('fails a mount of an undefined volume and two mounts at one path', () => {
    expect(lines('api-volume-mounts', [edit(deployment(), (d) => {
      d.spec.template.spec.containers[0].volumeMounts.push({ name: 'config', mountPath: '/etc/config' }, { name: 'tmp', mountPath: '/tmp' });
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].volumeMounts[1].name' names the volume 'config', but the pod has no such volume. Allowed: 'tmp'. Fix: add a volume named 'config' to spec.template.spec.volumes or fix the name",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].volumeMounts[2].mountPath' is used by another mount of container 'main' (volumeMounts[0]), got '/tmp'. Fix: mount each path once; use subPath to combine volumes in one folder",
    ]);
  });
});

describe('api-config-data', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { 'app.properties': 'a=1', LOG_LEVEL: 'info' } };
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'shop' }, data: { 'tls.crt': 'Y2VydA==' } };
  test('passes valid keys and base64 Secret data', () => {
    expect(lines('api-config-data', [cm, secret])).toEqual([]);
  });
  test("fails a key that starts with '..' (the kubelet's own names in a mounted volume), as the API server does", () => {
    expect(lines('api-config-data', [edit(secret, (s) => { s.data['..data'] = 'eA=='; })])).toEqual([
      "error: [test.yaml] Secret shop/tls 'data[\"..data\"]' has an invalid key, got '..data'. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: write 'data'",
    ]);
  });
  test('fails invalid keys, keys in both maps, non-base64 data and over 1 MiB', () => {
    expect(lines('api-config-data', [
      edit(cm, (c) => { c.data['config/app.yaml'] = 'x'; c.binaryData = { LOG_LEVEL: 'aW5mbw==' }; }),
      edit(secret, (s) => { s.data.password = 'not base64!'; }),
      edit(cm, (c) => { c.metadata.name = 'big'; c.data = { blob: 'x'.repeat(1024 * 1024 + 1) }; }),
    ])).toEqual([
      "error: [test.yaml] ConfigMap shop/settings 'data[\"config/app.yaml\"]' has an invalid key, got 'config/app.yaml'. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: write 'config-app.yaml'",
      "error: [test.yaml] ConfigMap shop/settings 'binaryData.LOG_LEVEL' repeats the key 'LOG_LEVEL' of data, got 'LOG_LEVEL'. Fix: keep the key in one of the two maps",
      "error: [test.yaml] Secret shop/tls 'data.password' is not base64. Fix: base64-encode the value, or move it to 'stringData'",
      "error: [test.yaml] ConfigMap shop/big 'data' holds 1048577 bytes, over the 1048576-byte (1 MiB) limit. Fix: split it into several objects or mount the content from a volume",
    ]);
  });
});

describe('api-cron-schedule', () => {
  test('passes a five-field schedule, a macro and an IANA time zone', () => {
    expect(lines('api-cron-schedule', [cronJob(), edit(cronJob(), (c) => { c.metadata.name = 'daily'; c.spec.schedule = '@daily'; c.spec.timeZone = 'Europe/Madrid'; })])).toEqual([]);
  });
  test('fails schedules the API server rejects and unknown time zones', () => {
    expect(lines('api-cron-schedule', [
      edit(cronJob(), (c) => { c.spec.schedule = '0 0 3 * * *'; c.spec.timeZone = 'PST'; }),
      edit(cronJob(), (c) => { c.metadata.name = 'none'; delete c.spec.schedule; }),
    ])).toEqual([
      "error: [test.yaml] CronJob shop/nightly 'spec.schedule' has 6 fields; a seconds field is not supported (Kubernetes schedules start at the minute), got '0 0 3 * * *'. Allowed: five space-separated fields 'minute hour day-of-month month day-of-week', or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. Fix: drop the leading seconds field: '0 3 * * *'",
      "error: [test.yaml] CronJob shop/nightly 'spec.timeZone' is an abbreviation, not an IANA time zone name, got 'PST'. Allowed: an IANA time zone name such as 'Etc/UTC', 'Europe/Madrid' or 'America/New_York'. Fix: use the region's zone, e.g. 'America/Los_Angeles'",
      "error: [test.yaml] CronJob shop/none 'spec.schedule' is required. Fix: set a schedule such as '0 3 * * *' (03:00 every day)",
    ]);
  });
});

describe('api-hpa-replicas', () => {
  const hpa = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10 },
  };
  test('passes minReplicas ≤ maxReplicas', () => {
    expect(lines('api-hpa-replicas', [hpa])).toEqual([]);
  });
  test('fails minReplicas above maxReplicas, and a missing target', () => {
    expect(lines('api-hpa-replicas', [
      edit(hpa, (h) => { h.spec.minReplicas = 5; h.spec.maxReplicas = 3; }),
      edit(hpa, (h) => { h.metadata.name = 'b'; h.spec.minReplicas = 0; delete h.spec.scaleTargetRef; }),
    ])).toEqual([
      "error: [test.yaml] HorizontalPodAutoscaler shop/web 'spec.maxReplicas' must be greater than or equal to minReplicas (5), got 3. Fix: raise maxReplicas or lower minReplicas",
      "error: [test.yaml] HorizontalPodAutoscaler shop/b 'spec.minReplicas' must be at least 1, got 0. Allowed: an integer of at least 1. Fix: scaling to zero needs the HPAScaleToZero feature gate; use 1",
      "error: [test.yaml] HorizontalPodAutoscaler shop/b 'spec.scaleTargetRef' needs a kind and a name, got undefined. Fix: point it at the workload, e.g. { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }",
    ]);
    expect(lines('api-hpa-replicas', [edit(hpa, (h) => { h.spec.minReplicas = '2'; h.spec.maxReplicas = '6'; })])).toEqual([
      "error: [test.yaml] HorizontalPodAutoscaler shop/web 'spec.minReplicas' is a number written as a string, got '2'. Allowed: an integer of at least 1. Fix: write it as a number: 2",
      "error: [test.yaml] HorizontalPodAutoscaler shop/web 'spec.maxReplicas' is a number written as a string, got '6'. Allowed: an integer of at least 1. Fix: write it as a number: 6",
    ]);
  });
});

describe('api-workload-counts', () => {
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'shop' }, spec: { backoffLimit: 2, activeDeadlineSeconds: 600, template: { spec: {} } } };
  test('passes whole numbers ≥ 0, and fields left out', () => {
    expect(lines('api-workload-counts', [...ok, edit(deployment('zero', 0), (d) => { d.spec.revisionHistoryLimit = 0; }), job])).toEqual([]);
  });
  test('fails when a replica count, history limit or deadline is a string, negative or fractional (Deployment, StatefulSet, Job, CronJob\'s jobTemplate)', () => {
    expect(lines('api-workload-counts', [
      deployment('web', '2' as any),
      edit(deployment('db', -1), (d) => { d.kind = 'StatefulSet'; d.spec.revisionHistoryLimit = 1.5; }),
      edit(job, (j) => { j.spec.backoffLimit = '6'; }),
      edit(cronJob(), (c) => { c.spec.failedJobsHistoryLimit = 'one'; c.spec.jobTemplate.spec.parallelism = -2; }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.replicas' must be a whole number, but is a string, got '2'. Allowed: a whole number. Fix: write it as a number: 2",
      "error: [test.yaml] StatefulSet shop/db 'spec.replicas' must be a whole number of at least 0, got -1. Allowed: an integer from 0 to 2147483647. Fix: use 0 or more",
      "error: [test.yaml] StatefulSet shop/db 'spec.revisionHistoryLimit' must be a whole number of at least 0, got 1.5. Allowed: an integer from 0 to 2147483647. Fix: round it: 1 or 2",
      "error: [test.yaml] Job shop/once 'spec.backoffLimit' must be a whole number, but is a string, got '6'. Allowed: a whole number. Fix: write it as a number: 6",
      "error: [test.yaml] CronJob shop/nightly 'spec.failedJobsHistoryLimit' must be a whole number, but is a string, got 'one'. Allowed: a whole number. Fix: write a whole number without quotes, e.g. 1",
      "error: [test.yaml] CronJob shop/nightly 'spec.jobTemplate.spec.parallelism' must be a whole number of at least 0, got -2. Allowed: an integer from 0 to 2147483647. Fix: use 0 or more",
    ]);
  });
  test("fails when a pod's grace period or deadline, or a probe's timing, is a string, negative or fractional (trial L: outside the rule before)", () => {
    const probed = edit(deployment('api', 2), (d) => {
      d.spec.template.spec.terminationGracePeriodSeconds = '30';
      d.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 1.5, failureThreshold: -1 };
      d.spec.template.spec.containers[0].livenessProbe = { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: 0 };
    });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'shop' }, spec: { activeDeadlineSeconds: 0, containers: [{ name: 'main', image: 'busybox:1.36' }] } };
    expect(lines('api-workload-counts', [probed, pod])).toEqual([
      "error: [test.yaml] Deployment shop/api 'spec.template.spec.terminationGracePeriodSeconds' must be a whole number, but is a string, got '30'. Allowed: a whole number. Fix: write it as a number: 30",
      "error: [test.yaml] Deployment shop/api 'spec.template.spec.containers[0].livenessProbe.terminationGracePeriodSeconds' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 9007199254740991. Fix: use 1 or more",
      "error: [test.yaml] Deployment shop/api 'spec.template.spec.containers[0].readinessProbe.periodSeconds' must be a whole number of at least 0, got 1.5. Allowed: an integer from 0 to 2147483647. Fix: round it: 1 or 2",
      "error: [test.yaml] Deployment shop/api 'spec.template.spec.containers[0].readinessProbe.failureThreshold' must be a whole number of at least 0, got -1. Allowed: an integer from 0 to 2147483647. Fix: use 0 or more",
      "error: [test.yaml] Pod shop/hello 'spec.activeDeadlineSeconds' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 2147483647. Fix: use 1 or more",
    ]);
  });
});

describe('api-pdb-spec', () => {
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } } };
  test('passes one of minAvailable and maxUnavailable', () => {
    expect(lines('api-pdb-spec', [pdb, edit(pdb, (p) => { p.metadata.name = 'b'; p.spec = { minAvailable: '50%' }; })])).toEqual([]);
  });
  test('fails both set, and malformed values', () => {
    expect(lines('api-pdb-spec', [edit(pdb, (p) => { p.spec.minAvailable = '150%'; })])).toEqual([
      "error: [test.yaml] PodDisruptionBudget shop/web 'spec.maxUnavailable' cannot be set together with minAvailable, got {\"minAvailable\":\"150%\",\"maxUnavailable\":1}. Fix: keep one of them (maxUnavailable: 1 works for any replica count)",
      "error: [test.yaml] PodDisruptionBudget shop/web 'spec.minAvailable' must be a whole number ≥ 0 or a percentage, got '150%'. Allowed: an integer such as 1, or a percentage such as '25%'. Fix: use maxUnavailable: 1",
    ]);
  });
});

describe('api-ip-block', () => {
  const policy = (...peers: unknown[]) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: peers }], egress: [{ to: peers }] },
  });
  test('passes CIDRs whose except entries are strict subsets (host bits read as the network, as the API server does)', () => {
    expect(lines('api-ip-block', [policy(
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } },
      { ipBlock: { cidr: '::/0', except: ['fc00::/7'] } },
      { ipBlock: { cidr: '203.0.113.7/24', except: ['203.0.113.0/25'] } },
      { podSelector: {} },
    )])).toEqual([]);
  });
  test('fails when an except is the cidr itself, outside it, of the other family, or not a CIDR', () => {
    expect(lines('api-ip-block', [edit(policy(), (p) => {
      p.spec.ingress[0].from = [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '0.0.0.0/0'] } }, { ipBlock: { cidr: '203.0.113.0/24', except: ['198.51.100.0/25', 'fc00::/7'] } }];
      p.spec.egress[0].to = [{ ipBlock: { cidr: '::/0', except: ['::/0', 'fc00::7'] } }, { ipBlock: { cidr: '10.0.0.0/33' } }];
    })])).toEqual([
      "error: [test.yaml] NetworkPolicy shop/web 'spec.ingress[0].from[0].ipBlock.except[1]' must be a strict subset of cidr '0.0.0.0/0', got '0.0.0.0/0'. Allowed: a network inside 0.0.0.0/0, with a longer prefix. Fix: remove it, or widen cidr to contain it",
      "error: [test.yaml] NetworkPolicy shop/web 'spec.ingress[0].from[1].ipBlock.except[0]' must be a strict subset of cidr '203.0.113.0/24', got '198.51.100.0/25'. Allowed: a network inside 203.0.113.0/24, with a longer prefix. Fix: remove it, or widen cidr to contain it",
      "error: [test.yaml] NetworkPolicy shop/web 'spec.ingress[0].from[1].ipBlock.except[1]' must be a strict subset of cidr '203.0.113.0/24', got 'fc00::/7'. Allowed: a network inside 203.0.113.0/24, with a longer prefix. Fix: put it in an ipBlock of its own family",
      "error: [test.yaml] NetworkPolicy shop/web 'spec.egress[0].to[0].ipBlock.except[0]' must be a strict subset of cidr '::/0', got '::/0'. Allowed: a network inside ::/0, with a longer prefix. Fix: remove it, or widen cidr to contain it",
      "error: [test.yaml] NetworkPolicy shop/web 'spec.egress[0].to[0].ipBlock.except[1]' is an address without a prefix length, got 'fc00::7'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'. Fix: write 'fc00::7/128' for this one address",
      "error: [test.yaml] NetworkPolicy shop/web 'spec.egress[0].to[1].ipBlock.cidr' is not a CIDR, got '10.0.0.0/33'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'. Fix: write the prefix length as a number up to 32, e.g. '10.0.0.0/32'",
    ]);
  });
});
