import { Testing } from 'cdk8s';
import { TimonelChart, TimonelChartProps } from '../../src/app/chart';
import { NodeAgent, NodeAgentProps } from '../../src/constructs/node-agent';
import { TimonelError } from '../../src/core/errors';
import { Probe } from '../../src/core/probes';
import { findObject, findObjects, podSpecOf, synth } from '../../src/testing';
import '../../src/testing/jest';
import { expectValidManifests } from '../support/schema';

const IMAGE = 'ghcr.io/acme/log-shipper:3.1.0';
const LOGS = { name: 'varlog', path: '/var/log', reason: 'reads the container logs of every pod on the node' };

function chart(props: TimonelChartProps = { namespace: 'logging' }): TimonelChart {
  return new TimonelChart(Testing.app(), 'logging', props);
}

function render(props: Partial<NodeAgentProps> = {}, chartProps?: TimonelChartProps): any[] {
  const c = chart(chartProps);
  new NodeAgent(c, 'shipper', { image: IMAGE, ...props });
  return synth(c);
}

function build(props: Partial<NodeAgentProps>): () => void {
  return () => new NodeAgent(chart(), 'shipper', { image: IMAGE, ...props });
}

describe('NodeAgent defaults', () => {
  test('matches the defaults snapshot', () => {
    expect(render()).toMatchSnapshot();
  });

  test('a DaemonSet updated one node at a time, no host access, no Service, ingress denied', () => {
    const objs = render();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/logging', 'NetworkPolicy/logging-shipper', 'ServiceAccount/logging-shipper', 'DaemonSet/logging-shipper',
    ]);
    const ds = findObject(objs, 'DaemonSet');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(5);
    const pod = podSpecOf(ds);
    expect([pod.hostNetwork, pod.tolerations, pod.volumes.map((v: any) => v.name)]).toEqual([undefined, undefined, ['tmp']]);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(findObject(objs, 'NetworkPolicy').spec.ingress).toEqual([]);
    expect(objs).toPassPolicies();
    expectValidManifests(objs);
  });
});

describe('NodeAgent props', () => {
  test('tolerateAllTaints adds operator: Exists to the given tolerations', () => {
    const pod = podSpecOf(findObject(render({ tolerateAllTaints: true, tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] }), 'DaemonSet'));
    expect(pod.tolerations).toEqual([{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }]);
  });

  test('priority class, OnDelete updates and a metrics port that the NetworkPolicy admits', () => {
    const objs = render({ priorityClassName: 'system-node-critical', update: { type: 'OnDelete' }, ports: [{ name: 'metrics', port: 2020 }], readiness: Probe.http('/ready') });
    const ds = findObject(objs, 'DaemonSet');
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(podSpecOf(ds).priorityClassName).toBe('system-node-critical');
    expect(podSpecOf(ds).containers[0].readinessProbe.httpGet).toEqual({ path: '/ready', port: 2020 });
    expect(findObject(objs, 'NetworkPolicy').spec.ingress).toEqual([{ ports: [{ port: 'metrics', protocol: 'TCP' }, { port: 2020, protocol: 'TCP' }] }]);
  });

  test('host paths, host ports and host network with reasons, in a privileged chart: suppressions in the YAML', () => {
    const objs = render({
      hostPaths: [LOGS, { name: 'containers', path: '/var/lib/docker/containers', type: 'Directory', reason: 'container log files live here on docker nodes' }],
      hostPorts: [{ name: 'forward', port: 24224, reason: 'node-local apps send logs to the node address' }],
      hostNetwork: { reason: 'collects the node network interface statistics' },
    }, { namespace: 'logging', podSecurity: 'privileged' });
    const ds = findObject(objs, 'DaemonSet');
    const pod = podSpecOf(ds);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.volumes).toContainEqual({ name: 'varlog', hostPath: { path: '/var/log' } });
    expect(pod.volumes).toContainEqual({ name: 'containers', hostPath: { path: '/var/lib/docker/containers', type: 'Directory' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'varlog', mountPath: '/var/log', readOnly: true });
    expect(pod.containers[0].ports).toEqual([{ name: 'forward', containerPort: 24224, hostPort: 24224, protocol: 'TCP' }]);
    expect(ds.metadata.annotations).toEqual({
      'timonel.dev/suppress.pss-baseline-host-path': '/var/log: reads the container logs of every pod on the node; /var/lib/docker/containers: container log files live here on docker nodes',
      'timonel.dev/suppress.pss-restricted-volume-types': '/var/log: reads the container logs of every pod on the node; /var/lib/docker/containers: container log files live here on docker nodes',
      'timonel.dev/suppress.pss-baseline-host-ports': 'forward: node-local apps send logs to the node address',
      'timonel.dev/suppress.pss-baseline-host-namespaces': 'collects the node network interface statistics',
    });
    expect(findObject(objs, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expectValidManifests(objs);
  });

  test('fails at synth when the chart\'s Namespace would reject the host access', () => {
    const c = chart();
    new NodeAgent(c, 'shipper', { image: IMAGE, hostPaths: [LOGS] });
    expect(() => synth(c)).toThrow(/suppresses 'pss-baseline-host-path', but namespace 'logging' enforces Pod Security 'restricted'.*podSecurity: 'privileged'/);
  });

  test('connectTo as a client', () => {
    const c = chart({ namespace: 'logging', podSecurity: 'privileged' });
    const { WebApp } = require('../../src/constructs/web-app');
    const sink = new WebApp(c, 'sink', { image: 'ghcr.io/acme/log-sink:1.0.0' });
    const agent = new NodeAgent(c, 'shipper', { image: IMAGE, connectTo: [sink] });
    expect(c).toAllowTraffic(agent, sink, 'http');
    expect(findObjects(synth(c), 'NetworkPolicy').map((n) => n.metadata.name)).toContain('logging-shipper-to-logging-sink');
  });
});

describe('NodeAgent bad input', () => {
  test.each([
    ['a host path has a short reason', { hostPaths: [{ ...LOGS, reason: 'logs' }] }, /\[logging\/shipper\] 'hostPaths\[0\]\.reason' must say why the agent needs access to the node \(at least 10 characters\), got 'logs'/],
    ['a host path has no reason', { hostPaths: [{ name: 'varlog', path: '/var/log' }] }, /'hostPaths\[0\]\.reason'/],
    ['a host path is relative', { hostPaths: [{ ...LOGS, path: 'var/log' }] }, /'hostPaths\[0\]\.path'/],
    ['host network has no reason', { hostNetwork: { reason: '' } }, /'hostNetwork\.reason'/],
    ['a host port is out of range', { hostPorts: [{ name: 'fwd', port: 24224, hostPort: 70000, reason: 'node-local apps send logs' }] }, /'hostPorts\[0\]\.hostPort'/],
    ['update has both 0', { update: { maxUnavailable: 0 } }, /'update' cannot have maxUnavailable and maxSurge both 0/],
    ['a surge with host ports (trial V1: the surge pod never schedules)', { hostPorts: [{ name: 'fwd', port: 24224, reason: 'node-local apps send logs' }], update: { maxSurge: 1, maxUnavailable: 0 } },
      /^\[logging\/shipper\] 'update\.maxSurge' must be 0 with hostPorts \(24224\): the surge pod would start on the same node while the old pod holds the port, so it never schedules and the update stalls forever, got 1\. Allowed: 0 \(the default\) with host ports or the host network\. Fix: use maxSurge: 0 and maxUnavailable: 1 \(the default: the old pod stops first\)$/],
    ['a surge percentage on the host network with ports', { hostNetwork: { reason: 'collects the node network interface statistics' }, ports: [{ name: 'metrics', port: 2020 }], update: { maxSurge: '10%' } },
      /'update\.maxSurge' must be 0 with hostNetwork and ports \(2020 on the node\).*got '10%'.*Fix: use maxSurge: 0 \(the default\)/],
    ['OnDelete with maxSurge', { update: { type: 'OnDelete', maxSurge: 1 } }, /'update' sets maxUnavailable or maxSurge with type 'OnDelete'/],
    ['maxUnavailable is not a percentage', { update: { maxUnavailable: '10' } }, /'update\.maxUnavailable' must be a node count or a percentage, got '10'/],
    ['a host path reuses a volume name (trial R: no fix)', { hostPaths: [{ ...LOGS, name: 'tmp' }] }, /has two volumes named 'tmp', got 'tmp'\. Allowed: unique volume names\. Fix: rename one of the volumes named 'tmp' \(and the mounts that use it\)/],
    ['the image is unpinned', { image: 'fluent/fluent-bit' }, /'image' has no tag or digest/],
    ['a probe uses a port number the agent does not declare', { ports: [{ name: 'metrics', port: 2020 }], readiness: Probe.http('/ready', { port: 2021 }) },
      /'readiness\.port' is not one of the container's declared ports, got 2021\. Allowed: one of the container's ports: 'metrics' \(2020\)\. Fix: use one of them, e\.g\. \{ port: 2020 \} or \{ port: 'metrics' \}, or declare the port in 'ports': \{ name: 'health', port: 2021 \}/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as Partial<NodeAgentProps>)).toThrow(message);
    expect(build(props as Partial<NodeAgentProps>)).toThrow(TimonelError);
  });

  test('a surge is accepted when nothing binds a port on the node', () => {
    expect(build({ ports: [{ name: 'metrics', port: 2020 }], update: { maxSurge: 1, maxUnavailable: 0 } })).not.toThrow();
    expect(build({ hostNetwork: { reason: 'collects the node network interface statistics' }, update: { maxSurge: 1, maxUnavailable: 0 } })).not.toThrow();
  });

  test('a probe port number is not checked on the host network (declaring it would open it on the node) or without declared ports', () => {
    const onHost = { hostNetwork: { reason: 'collects the node network interface statistics' }, ports: [{ name: 'metrics', port: 2020 }] };
    expect(build({ ...onHost, readiness: Probe.http('/ready', { port: 2021 }) })).not.toThrow();
    expect(build({ readiness: Probe.http('/ready', { port: 2021 }) })).not.toThrow();
  });
});
