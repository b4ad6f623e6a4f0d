import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EnvValue } from '../../src/core/env';
import { TimonelError } from '../../src/core/errors';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { Policy } from '../../src/policies/policy';
import { Profile } from '../../src/policies/profiles';
import { ContainerProps, MainContainerExtras, PodBuilder, PodProps } from '../../src/workload/pod';
import { Probe } from '../../src/core/probes';
import { newChart } from '../support/util';
import { withoutChartPolicies } from '../support/plain';
import { WebApp } from '../../src/constructs/web-app';
import { podSpec, thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

/** A builder in chart 'shop', construct 'web'. */
function builder(main: Partial<ContainerProps> = {}, pod: PodProps = {}): PodBuilder {
  return new PodBuilder(new Construct(newChart('shop'), 'web'), { image: IMAGE, ...main }, pod);
}

/** The pod spec as it appears in the synthesized YAML. */
function spec(b: PodBuilder, main: MainContainerExtras = {}, extra: { terminationGracePeriodSeconds?: number } = {}): any {
  const chart = newChart('render');
  new k8s.KubePod(chart, 'pod', { spec: b.renderSpec({ serviceAccountName: 'shop-web', main, ...extra }) });
  return Testing.synth(chart)[0].spec;
}

const render = (main: Partial<ContainerProps> = {}, pod: PodProps = {}, extras: MainContainerExtras = {}) => spec(builder(main, pod), extras);
const build = (main: Partial<ContainerProps> = {}, pod: PodProps = {}) => () => spec(builder(main, pod));

describe('PodBuilder security context', () => {
  test('the pod runs as non-root user, group and fsGroup 10001 with the RuntimeDefault seccomp profile', () => {
    expect(render().securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('user, group, fsGroup and fsGroupChangePolicy are configurable', () => {
    const s = render({}, { securityContext: { runAsUser: 999, runAsGroup: 998, fsGroup: 997, fsGroupChangePolicy: 'OnRootMismatch' } });
    expect(s.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 998, fsGroup: 997, fsGroupChangePolicy: 'OnRootMismatch' });
  });

  test('every container forbids privilege escalation, drops ALL capabilities and has a read-only root filesystem', () => {
    const s = render({}, { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }], initContainers: [{ name: 'migrate', image: IMAGE }] });
    const expected = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
    for (const c of [...s.containers, ...s.initContainers]) expect(c.securityContext).toEqual(expected);
  });

  test('readOnlyRootFilesystem can be turned off', () => {
    expect(render({}, { securityContext: { readOnlyRootFilesystem: false } }).containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('every container gets a writable /tmp emptyDir of 64Mi', () => {
    const s = render({}, { sidecars: [{ name: 'proxy', image: IMAGE }] });
    expect(s.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    for (const c of s.containers) expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('the service account token is not mounted, and the service account is the one given', () => {
    const s = render();
    expect(s.automountServiceAccountToken).toBe(false);
    expect(s.serviceAccountName).toBe('shop-web');
  });

  test('fails when runAsUser is 0 (root) in a restricted chart, saying the chart\'s profile is restricted and how to choose baseline', () => {
    expect(() => builder({}, { securityContext: { runAsUser: 0 } })).toThrow(new TimonelError({
      path: 'shop/web', prop: 'securityContext.runAsUser', value: 0,
      message: "must not be 0 (root) in chart 'shop', whose profile 'restricted' holds pods to Pod Security 'restricted' (pss-restricted-run-as-user)",
      allowed: 'a numeric user id above 0',
      fix: "build the image to run as a non-root user such as 10001; or, for an image that needs it, choose Pod Security baseline for the chart: policy: { profile: 'baseline' } on TimonelChart 'shop' (its Namespace then enforces baseline; keep other workloads in a restricted chart)",
    }).message);
  });

  test('fails when a group id is negative or not an integer', () => {
    expect(() => builder({}, { securityContext: { runAsGroup: -1 } })).toThrow(/'securityContext\.runAsGroup' must be a whole number of at least 0, got -1/);
    expect(() => builder({}, { securityContext: { fsGroup: 1.5 } })).toThrow(/'securityContext\.fsGroup' must be a whole number of at least 0, got 1\.5/);
  });
});

describe('PodBuilder security context: what only Pod Security baseline admits', () => {
  /** A builder in a baseline chart 'legacy', construct 'old'. */
  const baseline = (pod: PodProps) => new PodBuilder(new Construct(newChart('legacy', { policy: { profile: 'baseline' } }), 'old'), { image: IMAGE }, pod);
  const container = (s: any) => s.containers[0].securityContext;
  /** The pod spec as synthesized in a baseline chart. */
  const baselineSpec = (b: PodBuilder) => {
    const chart = newChart('render', { policy: { profile: 'baseline' } });
    new k8s.KubePod(chart, 'pod', { spec: b.renderSpec({ serviceAccountName: 'legacy-old', main: {} }) });
    return Testing.synth(chart)[0].spec;
  };

  test('fails when a restricted chart asks for runAsNonRoot: false, allowPrivilegeEscalation: true and capabilities beyond NET_BIND_SERVICE, all listed at once', () => {
    const e = thrown(() => builder({}, { securityContext: { runAsNonRoot: false, allowPrivilegeEscalation: true, addCapabilities: ['NET_BIND_SERVICE', 'CHOWN'] } }));
    const choose = "or, for an image that needs it, choose Pod Security baseline for the chart: policy: { profile: 'baseline' } on TimonelChart 'shop'";
    expect(e.message.split('\n')).toEqual([
      '[shop/web] has 3 invalid props:',
      `  'securityContext.runAsNonRoot' must not be false in chart 'shop', whose profile 'restricted' holds pods to Pod Security 'restricted' (pss-restricted-run-as-non-root), got false. Allowed: true (the default). Fix: leave it unset, and run the image as a non-root user (runAsUser, default 10001); ${choose} (its Namespace then enforces baseline; keep other workloads in a restricted chart)`,
      `  'securityContext.allowPrivilegeEscalation' must not be true in chart 'shop', whose profile 'restricted' holds pods to Pod Security 'restricted' (pss-restricted-privilege-escalation), got true. Allowed: false (the default). Fix: leave it unset: build the image so that it needs no setuid binary; ${choose} (its Namespace then enforces baseline; keep other workloads in a restricted chart)`,
      `  'securityContext.addCapabilities' must add only 'NET_BIND_SERVICE' in chart 'shop', whose profile 'restricted' holds pods to Pod Security 'restricted' (pss-restricted-capabilities), got ["NET_BIND_SERVICE","CHOWN"]. Allowed: 'NET_BIND_SERVICE'. Fix: remove 'CHOWN'; ${choose} (its Namespace then enforces baseline; keep other workloads in a restricted chart)`,
    ]);
  });

  test('a restricted chart may add NET_BIND_SERVICE (Pod Security restricted allows it)', () => {
    expect(container(render({}, { securityContext: { addCapabilities: ['NET_BIND_SERVICE'] } }))).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
  });

  test('in a baseline chart, runAsUser: 0 runs the pod as root: runAsNonRoot false, the image\'s group, every other default kept', () => {
    const s = baselineSpec(baseline({ securityContext: { runAsUser: 0 } }));
    expect(s.securityContext).toEqual({ runAsNonRoot: false, runAsUser: 0, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(s)).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: false, capabilities: { drop: ['ALL'] } });
  });

  test('in a baseline chart, runAsNonRoot: false runs the image\'s own user and group (root included); an explicit user still wins', () => {
    expect(baselineSpec(baseline({ securityContext: { runAsNonRoot: false } })).securityContext).toEqual({ runAsNonRoot: false, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(baselineSpec(baseline({ securityContext: { runAsNonRoot: false, runAsUser: 101, runAsGroup: 101 } })).securityContext).toEqual({
      runAsNonRoot: false, runAsUser: 101, runAsGroup: 101, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('in a baseline chart, capabilities, privilege escalation and a writable root reach every container, and the policies pass', () => {
    const chart = newChart('legacy', { namespace: 'legacy', policy: { profile: 'baseline' } });
    const web = new WebApp(chart, 'old', {
      image: 'nginx:1.27.2', port: 80, sidecars: [{ name: 'exporter', image: IMAGE }], initContainers: [{ name: 'setup', image: IMAGE }],
      securityContext: { runAsUser: 0, addCapabilities: ['CHOWN', 'NET_BIND_SERVICE', 'SETUID', 'SETGID'], allowPrivilegeEscalation: true, readOnlyRootFilesystem: false },
    });
    const objs = Testing.synth(chart);
    const pod = podSpec(objs.find((o) => o.kind === 'Deployment'));
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, runAsNonRoot: false,
        capabilities: { drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE', 'SETUID', 'SETGID'] },
      });
    }
    expect(objs.find((o) => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(web.node.path).toBe('legacy/old');
  });

  test('a profile set on the app before the construct, or a custom profile that does not hold the restricted rule as an error, admits it', () => {
    const app = new App({ outdir: '/nonexistent' });
    Policy.setDefault(app, 'baseline');
    const chart = new TimonelChart(app, 'legacy', { namespace: 'legacy' });
    new WebApp(chart, 'old', { image: 'nginx:1.27.2', port: 8080, securityContext: { runAsUser: 0 } });
    expect(() => app.render()).not.toThrow();
    const team = Profile.custom({ name: 'team', severity: { 'pss-restricted-privilege-escalation': 'warning' } });
    expect(() => new PodBuilder(new Construct(newChart('t', { policy: { profile: team } }), 'w'), { image: IMAGE }, { securityContext: { allowPrivilegeEscalation: true } })).not.toThrow();
    expect(() => new PodBuilder(new Construct(newChart('t', { policy: { profile: team } }), 'w'), { image: IMAGE }, { securityContext: { runAsUser: 0 } })).toThrow(
      "[t/w] 'securityContext.runAsUser' must not be 0 (root) in chart 't', whose profile 'team' holds pods to Pod Security 'restricted' (pss-restricted-run-as-user)",
    );
  });

  test('fails when runAsNonRoot is true with runAsUser 0: the kubelet would refuse to start the containers', () => {
    expect(() => new WebApp(newChart('legacy', { policy: { profile: 'baseline' } }), 'old', { image: 'nginx:1.27.2', port: 8080, securityContext: { runAsUser: 0, runAsNonRoot: true } })).toThrow(
      "[legacy/old] 'securityContext.runAsNonRoot' is true, but runAsUser is 0 (root): the kubelet would refuse to start the containers, got true. Allowed: runAsNonRoot: true with a runAsUser above 0. Fix: leave runAsNonRoot unset (it is false with runAsUser: 0), or use a non-zero runAsUser",
    );
  });

  test('fails when a capability is not one Pod Security baseline allows, is written CAP_X or lowercase, or is listed twice', () => {
    const e = thrown(() => new WebApp(newChart('legacy', { policy: { profile: 'baseline' } }), 'old', {
      image: 'nginx:1.27.2', port: 8080, securityContext: { addCapabilities: ['SYS_ADMIN', 'CAP_CHOWN', 'setuid', 'KILL', 'KILL'] },
    }));
    const allowed = 'a capability Pod Security baseline allows: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT';
    expect(e.message.split('\n').slice(1)).toEqual([
      `  'securityContext.addCapabilities[0]' is not one of the allowed values, got 'SYS_ADMIN'. Allowed: ${allowed}. Fix: a capability beyond Pod Security baseline (SYS_ADMIN, NET_ADMIN, …) would make the pod privileged: that is outside what timonel builds`,
      `  'securityContext.addCapabilities[1]' is not one of the allowed values, got 'CAP_CHOWN'. Allowed: ${allowed}. Fix: write 'CHOWN'`,
      `  'securityContext.addCapabilities[2]' is not one of the allowed values, got 'setuid'. Allowed: ${allowed}. Fix: did you mean 'SETUID'?`,
    ]);
    expect(() => new WebApp(newChart('legacy', { policy: { profile: 'baseline' } }), 'old', { image: 'nginx:1.27.2', port: 8080, securityContext: { addCapabilities: ['KILL', 'KILL'] } })).toThrow(
      "[legacy/old] 'securityContext.addCapabilities[1]' names the same capability twice, got 'KILL'. Allowed: each capability once. Fix: list each capability once",
    );
  });
});

describe('PodBuilder resources', () => {
  const resources = (r: ContainerProps['resources']) => render({ resources: r }).containers[0].resources;

  test('requests 100m CPU and 128Mi memory, limits memory to 256Mi and sets no CPU limit', () => {
    expect(resources(undefined)).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  });

  test('sets a CPU limit only when asked', () => {
    expect(resources({ cpu: { limit: '2' } })).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '256Mi' } });
  });

  test('a CPU limit below the default request lowers the request to it', () => {
    expect(resources({ cpu: { limit: '50m' } }).requests.cpu).toBe('50m');
  });

  test('a memory limit below the default request lowers the request to it', () => {
    expect(resources({ memory: { limit: '64Mi' } })).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } });
  });

  test('a memory limit above the default keeps the default request', () => {
    expect(resources({ memory: { limit: '1Gi' } })).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } });
  });

  test('a memory request above the default limit raises the limit with it', () => {
    expect(resources({ memory: { request: '512Mi' } }).limits.memory).toBe('512Mi');
  });

  test('takes explicit requests and limits, numbers included', () => {
    expect(resources({ cpu: { request: 0.25, limit: 1 }, memory: { request: '200Mi', limit: '300Mi' } })).toEqual({
      requests: { cpu: 0.25, memory: '200Mi' }, limits: { cpu: 1, memory: '300Mi' },
    });
  });

  test('fails when the memory request is above the limit', () => {
    expect(build({ resources: { memory: { request: '512Mi', limit: '256Mi' } } })).toThrow(
      /^\[shop\/web\] 'resources\.memory' request 512Mi is above the limit 256Mi/,
    );
  });

  test('fails when the CPU request is above the limit', () => {
    expect(build({ resources: { cpu: { request: '2', limit: '1' } } })).toThrow(/'resources\.cpu' request 2 is above the limit 1/);
  });

  test("fails when a CPU request is written '1 core'", () => {
    expect(build({ resources: { cpu: { request: '1 core' } } })).toThrow(/'resources\.cpu\.request' is not a valid Kubernetes cpu quantity, got '1 core'/);
  });

  test("fails when a memory limit is written '10GB', suggesting '10Gi'", () => {
    expect(build({ resources: { memory: { limit: '10GB' } } })).toThrow(/'resources\.memory\.limit' is not a valid Kubernetes memory quantity, got '10GB'.*Fix: write '10Gi'/);
  });

  test('fails when a sidecar has an invalid quantity, naming the sidecar', () => {
    expect(() => builder({}, { sidecars: [{ name: 'proxy', image: IMAGE, resources: { cpu: { limit: 'lots' } } }] })).toThrow(
      /'sidecars\[0\]\.resources\.cpu\.limit' is not a valid Kubernetes cpu quantity/,
    );
  });
});

describe('PodBuilder image', () => {
  test('renders the image with IfNotPresent when pinned', () => {
    const c = render().containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  test('renders an allowed unpinned image with Always', () => {
    expect(render({ image: 'nginx', allowUnpinnedImage: true }).containers[0].imagePullPolicy).toBe('Always');
  });

  test('exposes the parsed image', () => {
    expect(builder().image).toMatchObject({ repository: 'ghcr.io/acme/web', tag: '1.4.2' });
  });

  test('fails when the main image is unpinned', () => {
    expect(() => builder({ image: 'nginx:latest' })).toThrow(/^\[shop\/web\] 'image' uses the moving tag 'latest'/);
  });

  test('fails when a sidecar image is unpinned, naming the sidecar', () => {
    expect(() => builder({}, { sidecars: [{ name: 'proxy', image: 'envoy' }] })).toThrow(/'sidecars\[0\]\.image' has no tag or digest/);
  });

  test('fails when an init container image is unpinned, naming it', () => {
    expect(() => builder({}, { initContainers: [{ name: 'migrate', image: 'flyway' }] })).toThrow(/'initContainers\[0\]\.image' has no tag or digest/);
  });
});

describe('PodBuilder env', () => {
  test('renders literals, ConfigMap keys and Secret keys in order', () => {
    const env = render({
      env: { LOG_LEVEL: 'info', MODE: EnvValue.fromConfigMap('settings', 'mode'), DB_PASSWORD: EnvValue.fromSecret('db', 'password') },
    }).containers[0].env;
    expect(env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
  });

  test('exposes whole Secrets and ConfigMaps as envFrom, ConfigMaps first', () => {
    const c = render({ envFromSecrets: ['api-keys', 'tokens'], envFromConfigMaps: ['settings'] }).containers[0];
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'api-keys' } }, { secretRef: { name: 'tokens' } }]);
  });

  test('addEnvFrom adds to envFrom', () => {
    const b = builder({ envFromSecrets: ['a'] });
    b.addEnvFrom({ secret: 'b', configMap: 'c' });
    expect(spec(b).containers[0].envFrom).toEqual([{ configMapRef: { name: 'c' } }, { secretRef: { name: 'a' } }, { secretRef: { name: 'b' } }]);
  });

  test('renders no env or envFrom when there is none', () => {
    const c = render().containers[0];
    expect(c).not.toHaveProperty('env');
    expect(c).not.toHaveProperty('envFrom');
  });

  test('env added after construction is rendered', () => {
    const b = builder({ env: { A: '1' } });
    b.env.add({ B: '2' });
    expect(spec(b).containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  test('sidecars have their own env', () => {
    const s = render({ env: { A: '1' } }, { sidecars: [{ name: 'proxy', image: IMAGE, env: { A: '2' }, envFromSecrets: ['s'] }] });
    expect(s.containers[1].env).toEqual([{ name: 'A', value: '2' }]);
    expect(s.containers[1].envFrom).toEqual([{ secretRef: { name: 's' } }]);
  });

  test('fails when a variable is defined twice', () => {
    const b = builder({ env: { A: '1' } });
    expect(() => b.env.add({ A: '2' })).toThrow(/'env' defines the variable 'A' twice/);
  });

  test('fails when a variable name is invalid', () => {
    expect(() => builder({ env: { '1ABC': 'x' } })).toThrow(/^\[shop\/web\] 'env' has an invalid variable name, got '1ABC'/);
  });

  test('fails when a sidecar variable name is invalid, naming the sidecar', () => {
    expect(() => builder({}, { sidecars: [{ name: 'proxy', image: IMAGE, env: { 'A B': 'x' } }] })).toThrow(/'sidecars\[0\]\.env' has an invalid variable name/);
  });
});

describe('PodBuilder containers', () => {
  test('the main container is named main and comes first, then the sidecars', () => {
    const s = render({}, { sidecars: [{ name: 'proxy', image: IMAGE }, { name: 'logs', image: IMAGE }] });
    expect(s.containers.map((c: any) => c.name)).toEqual(['main', 'proxy', 'logs']);
  });

  test('the main container can be renamed', () => {
    expect(render({ name: 'app' }).containers[0].name).toBe('app');
  });

  test('init containers render under initContainers, with command and args', () => {
    const s = render({}, { initContainers: [{ name: 'migrate', image: IMAGE, command: ['migrate'], args: ['up'] }] });
    expect(s.initContainers).toHaveLength(1);
    expect(s.initContainers[0]).toMatchObject({ name: 'migrate', image: IMAGE, command: ['migrate'], args: ['up'] });
    expect(s.containers.map((c: any) => c.name)).toEqual(['main']);
  });

  test('renders no initContainers when there are none', () => {
    expect(render()).not.toHaveProperty('initContainers');
  });

  test('passes command, args and workingDir through', () => {
    expect(render({ command: ['sh'], args: ['-c', 'true'], workingDir: '/app' }).containers[0]).toMatchObject({ command: ['sh'], args: ['-c', 'true'], workingDir: '/app' });
  });

  test('fails when a sidecar has no name', () => {
    expect(() => builder({}, { sidecars: [{ image: IMAGE }] })).toThrow(/^\[shop\/web\] 'sidecars\[0\]\.name' is required for sidecars and init containers/);
  });

  test('fails when an init container has no name', () => {
    expect(() => builder({}, { initContainers: [{ image: IMAGE }] })).toThrow(/'initContainers\[0\]\.name' is required/);
  });

  test("fails when a sidecar is named 'main'", () => {
    expect(build({}, { sidecars: [{ name: 'main', image: IMAGE }] })).toThrow(
      /^\[shop\/web\] 'sidecars' has two containers named 'main', got 'main'.*Fix: rename the sidecar/,
    );
  });

  test('fails when a sidecar and an init container share a name', () => {
    expect(build({}, { sidecars: [{ name: 'x', image: IMAGE }], initContainers: [{ name: 'x', image: IMAGE }] })).toThrow(/has two containers named 'x'/);
  });
});

describe('PodBuilder ports shared by the containers of a pod (trial X, X10)', () => {
  const ENVOY = 'envoyproxy/envoy:v1.31.0';

  test("fails when a sidecar declares the main container's port, where the WebApp is created", () => {
    const e = thrown(() => new WebApp(newChart('shop'), 'api', { image: IMAGE, sidecars: [{ name: 'envoy', image: ENVOY, ports: [{ name: 'proxy', port: 8080 }] }] }));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toBe("[shop/api] 'sidecars[0].ports[0].port' is declared by the main container too (port 'http', 8080/TCP): the containers of a pod share its network, "
      + 'so only one of them can listen on it, got 8080. Allowed: a TCP port no other container of the pod declares (taken: 8080 by the main container). '
      + 'Fix: have the sidecar listen on a free port, e.g. 8081, and declare that (a proxy in front of the app listens on its own port and forwards to 8080); '
      + 'or remove the port from sidecars[0].ports if the sidecar does not listen on it');
  });

  test('fails when two sidecars declare one port; the suggested port is free', () => {
    const e = thrown(() => new WebApp(newChart('shop'), 'api', {
      image: IMAGE, extraPorts: [{ name: 'metrics', port: 9091 }],
      sidecars: [{ name: 'envoy', image: ENVOY, ports: [{ name: 'admin', port: 9090 }] }, { name: 'exporter', image: IMAGE, ports: [{ name: 'x', port: 9091, protocol: 'UDP' }, { name: 'stats', port: 9090 }] }],
    }));
    expect(e.prop).toBe('sidecars[1].ports[1].port');
    expect(e.message).toContain("is declared by sidecar 'envoy' (sidecars[0]) too (port 'admin', 9090/TCP)");
    expect(e.message).toContain('Fix: have the sidecar listen on a free port, e.g. 9092,');
  });

  test('another protocol on the same number, and an init container on the main port, are fine', () => {
    const s = render({}, {
      sidecars: [{ name: 'dns', image: IMAGE, ports: [{ name: 'dns', port: 8080, protocol: 'UDP' }] }],
      initContainers: [{ name: 'warmup', image: IMAGE, ports: [{ name: 'warmup', port: 8080 }] }],
    }, { ports: [{ name: 'http', port: 8080 }] });
    expect(s.containers.map((c: any) => c.ports[0].containerPort)).toEqual([8080, 8080]);
  });
});

describe('PodBuilder volumes and mounts', () => {
  test('mounts pod volumes into containers and renders each volume kind', () => {
    const s = render(
      { mounts: [{ volume: 'data', mountPath: '/data' }, { volume: 'settings', mountPath: '/etc/app', readOnly: true, subPath: 'app' }] },
      {
        volumes: [
          { name: 'data', persistentVolumeClaim: 'data-claim', readOnly: true },
          { name: 'settings', configMap: 'settings', items: [{ key: 'a', path: 'a.yaml' }] },
          { name: 'certs', secret: 'tls' },
          { name: 'cache', emptyDir: { medium: 'Memory' } },
        ],
      },
    );
    expect(s.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-claim', readOnly: true } },
      { name: 'settings', configMap: { name: 'settings', items: [{ key: 'a', path: 'a.yaml' }] } },
      { name: 'certs', secret: { secretName: 'tls' } },
      { name: 'cache', emptyDir: { medium: 'Memory' } },
    ]);
    expect(s.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/data' },
      { name: 'settings', mountPath: '/etc/app', readOnly: true, subPath: 'app' },
    ]);
  });

  test('addMount mounts into the main container only', () => {
    const b = builder({}, { volumes: [{ name: 'data', emptyDir: {} }], sidecars: [{ name: 'proxy', image: IMAGE }] });
    b.addMount({ volume: 'data', mountPath: '/data' });
    const s = spec(b);
    expect(s.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(s.containers[1].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('a claim volume can be mounted but is not rendered as a pod volume', () => {
    const b = builder({ mounts: [{ volume: 'data', mountPath: '/data' }] });
    b.addClaimVolume('data');
    // Alone, the pod mounts a volume only a StatefulSet's claim templates provide: the policy would object.
    const s = withoutChartPolicies(() => spec(b));
    expect(s.volumes.map((v: any) => v.name)).toEqual(['tmp']);
    expect(s.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  test('fails when a mount names a volume the pod does not have', () => {
    expect(build({ mounts: [{ volume: 'data', mountPath: '/data' }] })).toThrow(
      /^\[shop\/web\] 'mounts' mounts the volume 'data' in container 'main', but the pod has no such volume, got 'data'\. Allowed: 'tmp'\. Fix: add it with 'volumes'/,
    );
  });

  test('fails when a sidecar mount names a missing volume', () => {
    expect(build({}, { sidecars: [{ name: 'proxy', image: IMAGE, mounts: [{ volume: 'certs', mountPath: '/certs' }] }] })).toThrow(
      /mounts the volume 'certs' in container 'proxy'/,
    );
  });

  test('fails when a mount path is relative', () => {
    expect(() => builder().addMount({ volume: 'tmp', mountPath: 'data' })).toThrow(/'mounts' needs an absolute mount path, got 'data'\. Allowed: an absolute path such as '\/data'\. Fix: use '\/data'/);
  });

  test('fails when two volumes share a name', () => {
    expect(() => builder({}, { volumes: [{ name: 'tmp', emptyDir: {} }] })).toThrow(/^\[shop\/web\] 'volumes' has two volumes named 'tmp'/);
  });

  test('fails when a claim volume takes the name of a pod volume', () => {
    const b = builder({}, { volumes: [{ name: 'data', emptyDir: {} }] });
    expect(() => b.addClaimVolume('data')).toThrow(/'storage' names the claim 'data', which another volume of the pod already uses/);
  });
});

describe('PodBuilder main container extras', () => {
  test('renders the ports, probes on the first port, and a preStop sleep', () => {
    const c = render({}, {}, {
      ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
      defaultProbes: { readiness: Probe.http('/ready') },
      drain: { delaySeconds: 5, using: 'exec' },
    }).containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080 });
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  test("a drain with the kubelet's sleep action renders no exec hook (SleepActionDeployment adds the action)", () => {
    const c = render({}, {}, { drain: { delaySeconds: 7, using: 'sleep-action' } }).containers[0];
    expect(c.lifecycle).toBeUndefined();
  });

  test('no drain, no preStop hook', () => {
    expect(render({}, {}, {}).containers[0].lifecycle).toBeUndefined();
  });

  test('false turns a default probe off, one kind at a time', () => {
    const c = render({ liveness: false }, {}, {
      ports: [{ name: 'http', port: 8080 }],
      defaultProbes: { liveness: Probe.http('/live'), readiness: Probe.http('/ready') },
    }).containers[0];
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
  });

  test("the user's probes win over the defaults, with the given probe timing", () => {
    const c = render({ liveness: Probe.tcp() }, {}, {
      probePort: 'http',
      ports: [{ name: 'http', port: 8080 }],
      defaultProbes: { liveness: Probe.http('/live') },
      probeTiming: { liveness: { periodSeconds: 20 } },
    }).containers[0];
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' }, periodSeconds: 20 });
  });

  test('renders no ports, probes or lifecycle when none are given', () => {
    const c = render().containers[0];
    for (const k of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) expect(c).not.toHaveProperty(k);
  });

  test('fails when a probe has no port to use', () => {
    expect(build({ readiness: Probe.http('/ready') })).toThrow(/^\[shop\/web\] 'readiness\.port' is required: the workload has no port/);
  });

  test('fails when a sidecar probe is invalid, naming the sidecar', () => {
    expect(() => builder({}, { sidecars: [{ name: 'proxy', image: IMAGE, liveness: Probe.http('/ready') }] })).toThrow(
      /'sidecars\[0\]\.liveness\.port' is required: the workload has no port/,
    );
  });

  test('fails when a sidecar port is invalid, naming the sidecar', () => {
    expect(() => builder({}, { sidecars: [{ name: 'proxy', image: IMAGE, ports: [{ name: 'admin', port: 0 }] }] })).toThrow(
      /'sidecars\[0\]\.ports\[0\]\.port' must be a port number, got 0/,
    );
  });
});

describe('PodBuilder pod settings', () => {
  test('terminationGracePeriodSeconds is 30 by default, the caller\'s next, the user\'s first', () => {
    expect(render().terminationGracePeriodSeconds).toBe(30);
    expect(spec(builder(), {}, { terminationGracePeriodSeconds: 60 }).terminationGracePeriodSeconds).toBe(60);
    expect(spec(builder({}, { terminationGracePeriodSeconds: 10 }), {}, { terminationGracePeriodSeconds: 60 }).terminationGracePeriodSeconds).toBe(10);
  });

  test('passes scheduling settings through', () => {
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }];
    const s = render({}, { nodeSelector: { pool: 'web' }, tolerations, priorityClassName: 'high' });
    expect(s).toMatchObject({ nodeSelector: { pool: 'web' }, tolerations, priorityClassName: 'high' });
  });

  test('annotations are undefined until one is added', () => {
    expect(builder().renderAnnotations()).toBeUndefined();
    const b = builder();
    b.addAnnotation('timonel.dev/config-checksum', 'abc');
    expect(b.renderAnnotations()).toEqual({ 'timonel.dev/config-checksum': 'abc' });
  });

});

describe('podLabels on every workload', () => {
  test('WebApp, BatchJob (Job and CronJob) and StatefulStore put them on the pod template only', () => {
    const { WebApp } = require('../../src/constructs/web-app');
    const { BatchJob } = require('../../src/constructs/batch-job');
    const { StatefulStore, StoreCredentials } = require('../../src/constructs/stateful-store');
    const chart = newChart('shop', { namespace: 'shop' });
    const podLabels = { 'example.com/team': 'shop' };
    new WebApp(chart, 'web', { image: IMAGE, podLabels });
    new BatchJob(chart, 'once', { image: IMAGE, podLabels });
    new BatchJob(chart, 'nightly', { image: IMAGE, schedule: '@daily', podLabels });
    new StatefulStore(chart, 'db', { image: 'postgres:16.4', port: 5432, credentials: StoreCredentials.fromSecret('db'), podLabels });
    const objs = Testing.synth(chart);
    for (const kind of ['Deployment', 'Job', 'CronJob', 'StatefulSet']) {
      const o = objs.find((x: any) => x.kind === kind);
      const template = kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
      expect([kind, template.metadata.labels['example.com/team']]).toEqual([kind, 'shop']);
      expect([kind, o.metadata.labels['example.com/team']]).toEqual([kind, undefined]);
      expect([kind, JSON.stringify(o.spec.selector ?? {})]).not.toContain('example.com/team');
    }
  });
});

describe('probes against the container ports', () => {
  test('a gRPC probe without a port probes the main port by number', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const app = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', portName: 'grpc', port: 9000, readiness: Probe.grpc() });
    expect(podSpec(app.deployment.toJson()).containers[0].readinessProbe.grpc).toEqual({ port: 9000 });
  });
});
