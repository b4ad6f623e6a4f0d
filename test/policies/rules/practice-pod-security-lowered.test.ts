import { App } from '../../../src/app/app';
import { TimonelChart } from '../../../src/app/chart';
import { NodeAgent } from '../../../src/constructs/node-agent';
import { WebApp } from '../../../src/constructs/web-app';
import { deployment, edit, lines } from '../helpers';
import { newChart, quiet, thrown } from '../../support/util';
import { synth } from '../../../src/testing';

const RULE = 'practice-pod-security-lowered';
const IMAGE = 'ghcr.io/acme/web:1.0.0';
const namespace = (level: string, annotations?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': level }, ...(annotations ? { annotations } : {}) },
});
const asRoot = edit(deployment('legacy'), (d) => {
  Object.assign(d.spec.template.spec.securityContext, { runAsUser: 0, runAsNonRoot: false });
  d.spec.template.spec.containers[0].securityContext.runAsNonRoot = false;
});
const onHost = edit(deployment('agent'), (d) => { d.spec.template.spec.hostNetwork = true; });

describe('practice-pod-security-lowered', () => {
  test("warns about a namespace enforcing 'privileged' whose pods all pass 'restricted', with the fix and the way to give the reason", () => {
    expect(lines(RULE, [namespace('privileged'), deployment()])).toEqual([
      "warning: [test.yaml] Namespace shop 'metadata.labels[\"pod-security.kubernetes.io/enforce\"]' enforces Pod Security 'privileged', but its pod passes 'restricted', got 'privileged'. "
      + "Allowed: 'restricted', the level its pods need; a lower one with its reason. "
      + "Fix: enforce 'restricted' (TimonelChart: leave podSecurity out); or, when pods deployed elsewhere need 'privileged', say why: podSecurity: { level: 'privileged', reason: '…' } "
      + '(in YAML, the annotation timonel.dev/suppress.practice-pod-security-lowered: <why>)',
    ]);
  });

  test('warns about a level lower than the pods need, naming the pod and the rule that sets it', () => {
    expect(lines(RULE, [namespace('privileged'), deployment(), asRoot])).toEqual([
      expect.stringContaining("enforces Pod Security 'privileged', but its pods need 'baseline' at most (Deployment shop/legacy, for pss-restricted-run-as-non-root), got 'privileged'. Allowed: 'baseline', the level its pods need"),
    ]);
    expect(lines(RULE, [namespace('baseline')])).toEqual([expect.stringContaining("enforces Pod Security 'baseline', but it holds no pods in this output")]);
  });

  test('passes a level some pod needs, restricted, a namespace without the label, and a lowering with its reason', () => {
    expect(lines(RULE, [namespace('baseline'), deployment(), asRoot])).toEqual([]);
    expect(lines(RULE, [namespace('privileged'), deployment(), onHost])).toEqual([]);
    expect(lines(RULE, [namespace('restricted'), deployment()])).toEqual([]);
    expect(lines(RULE, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, deployment()])).toEqual([]);
    expect(lines(RULE, [namespace('privileged', { [`timonel.dev/suppress.${RULE}`]: 'the vendor agent deployed by ops runs as root (OPS-12)' }), deployment()])).toEqual([]);
  });

  test("warns at synth for a chart that lowers its namespace to 'privileged' for pods that pass 'restricted' (trial AB6)", () => {
    const chart = newChart('apps', { namespace: 'apps', podSecurity: 'privileged' });
    new WebApp(chart, 'web', { image: IMAGE, port: 8080, isolate: true });
    expect(lines(RULE, quiet(() => synth(chart)))).toEqual([expect.stringContaining("Namespace apps 'metadata.labels[\"pod-security.kubernetes.io/enforce\"]' enforces Pod Security 'privileged', but its pod passes 'restricted'")]);
  });

  test("podSecurity: { level, reason } enforces the level and writes the reason on the Namespace, which silences the warning", () => {
    const chart = newChart('apps', { namespace: 'apps', podSecurity: { level: 'privileged', reason: 'the vendor agent deployed by ops runs as root (OPS-12)' } });
    new WebApp(chart, 'web', { image: IMAGE, port: 8080, isolate: true });
    const objs = synth(chart);
    const ns = objs.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-pod-security-lowered': 'the vendor agent deployed by ops runs as root (OPS-12)' });
    expect(lines(RULE, objs)).toEqual([]);
  });

  test('a chart whose pods need the lowered level (the logging example: a NodeAgent with hostPaths) is not warned', () => {
    const chart = new TimonelChart(new App(), 'logging', { namespace: 'logging', podSecurity: 'privileged' });
    new NodeAgent(chart, 'shipper', { image: 'fluent/fluent-bit:3.1.9', hostPaths: [{ name: 'varlog', path: '/var/log', reason: 'reads the container logs of every pod on the node' }] });
    expect(lines(RULE, quiet(() => synth(chart)))).toEqual([]);
  });

  test('fails when the reason is too short', () => {
    expect(thrown(() => newChart('apps', { namespace: 'apps', podSecurity: { level: 'baseline', reason: 'legacy' } })).message).toBe(
      "[apps] 'podSecurity.reason' needs a written reason of at least 10 characters, but has 6, got 'legacy'. Allowed: a reason of at least 10 characters. "
      + "Fix: say why the namespace admits pods below 'restricted', e.g. 'the vendor agent runs as root (OPS-12)'",
    );
  });

  test('fails when the reason is given on a chart that writes no Namespace to record it on', () => {
    expect(thrown(() => newChart('apps', { namespace: 'apps', createNamespace: false, podSecurity: { level: 'baseline', reason: 'the vendor agent runs as root (OPS-12)' } })).message).toBe(
      "[apps] 'podSecurity.reason' is written on the Namespace the chart creates, but this chart creates none, got 'the vendor agent runs as root (OPS-12)'. "
      + 'Allowed: a reason on a chart that creates its Namespace (namespace set, createNamespace not false). '
      + "Fix: give the reason on the chart that creates namespace 'apps', or write podSecurity: 'baseline' here",
    );
  });
});
