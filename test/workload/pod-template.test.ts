import { inspect } from 'util';
import { JsonPatch, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PolicyError } from '../../src/policies/engine';
import { patchManifest } from '../../src/synth/manifest-patch';
import { Workload, WorkloadProps } from '../../src/workload/workload';
import type { PodTemplate } from '../../src/workload/pod';
import { newChart, one, podSpec, synth, thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/poller:1.0.0';

/** A custom workload whose constructor does `build` with its pod template. */
function workload(build: (w: Workload, tpl: PodTemplate) => k8s.PodTemplateSpec, options = {}) {
  class Custom extends Workload {
    constructor(scope: Construct, id: string, props: WorkloadProps) {
      super(scope, id, props);
      const tpl = this.podTemplate(options);
      new k8s.KubeDeployment(this, 'Resource', {
        metadata: this.metadata(),
        spec: { selector: { matchLabels: this.selectorLabels }, template: build(this, tpl) },
      });
    }
  }
  const chart = newChart('c', { namespace: 'c' });
  return { chart, make: () => new Custom(chart, 'poller', { image: IMAGE }) };
}

describe('podTemplate()', () => {
  test('podTemplate({ hostname }) adds the field, and later additions still reach the pod', () => {
    const { chart, make } = workload((_w, tpl) => tpl, { hostname: 'poller' });
    make().addEnv({ LATE: '1' });
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(spec.hostname).toBe('poller');
    expect(spec.containers[0].env.map((e: any) => e.name)).toContain('LATE');
  });

  test('fields podTemplate has no option for: patchManifest on the object', () => {
    const { chart, make } = workload((_w, tpl) => tpl);
    patchManifest(make().node.defaultChild!, JsonPatch.add('/spec/template/spec/shareProcessNamespace', true));
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(spec.shareProcessNamespace).toBe(true);
    expect(spec.containers).toHaveLength(1);
  });

  test('fails when its spec is spread to add a field (the copy would hold no pod)', () => {
    const { make } = workload((_w, tpl) => ({ metadata: tpl.metadata, spec: { ...tpl.spec, hostname: 'poller' } }));
    const e = thrown(make);
    expect(e.path).toBe('c/poller');
    expect(e.prop).toBe('podTemplate().spec');
    expect(e.message).toContain("[c/poller] 'podTemplate().spec' is rendered at synth (a cdk8s Lazy), so spreading it (or listing its keys) copies no pod");
    expect(e.message).toContain("Allowed: passing it on whole: template: this.podTemplate(), or spec: template.spec. Fix: give pod fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' })");
    expect(e.message).toContain('patchManifest');
  });

  test('fails when a field of its spec is read, instead of a TypeError on undefined', () => {
    // As JavaScript (or TypeScript with a cast) would: the type says the fields are never there.
    const { make } = workload((_w, tpl) => ({ metadata: tpl.metadata, spec: { containers: (tpl.spec as any).containers.map((c: any) => ({ ...c, stdin: false })) } }));
    expect(thrown(make).message).toContain("[c/poller] 'podTemplate().spec' is rendered at synth (a cdk8s Lazy), so reading .containers from it gives nothing");
  });

  test('fails when its annotations are spread (the copy would lose them)', () => {
    const { make } = workload((_w, tpl) => ({ metadata: { ...tpl.metadata, annotations: { ...tpl.metadata.annotations, 'example.com/a': 'b' } }, spec: tpl.spec }));
    const e = thrown(make);
    expect(e.prop).toBe('podTemplate().metadata.annotations');
    expect(e.message).toContain('Fix: add annotations with this.pod.addAnnotation(key, value) or the podAnnotations prop');
  });

  test('can still be inspected, passed on and synthesized through cdk8s Testing.synth', () => {
    let shown = '';
    const { chart, make } = workload((_w, tpl) => {
      shown = inspect(tpl);
      return { metadata: { ...tpl.metadata }, spec: tpl.spec };
    });
    make();
    expect(shown).toContain('Lazy');
    expect(podSpec(one(Testing.synth(chart), 'Deployment')).containers[0].image).toBe(IMAGE);
  });

  test('fails the synth (api-pod-containers) when the template the workload renders has no containers', () => {
    const { chart, make } = workload((_w, tpl) => ({ metadata: tpl.metadata, spec: { hostname: 'poller' } as k8s.PodSpec }));
    make();
    let error: unknown;
    try {
      synth(chart);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toContain("Deployment c/c-poller 'spec.template.spec.containers' is required: the pod has no containers");
    expect((error as Error).message).toContain("podTemplate().spec is rendered at synth: don't spread or read it");
  });
});
