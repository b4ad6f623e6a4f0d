import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { App, BatchJob, patchManifest, PolicyError, TimonelChart, TimonelError, WebApp } from '../../src';
import { addedJsonPatches, patchOperation } from '../../src/synth/cdk8s-internals';
import { podSpecOf, synth } from '../../src/testing';
import { thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/web:1.0.0';
const GPU = '/spec/jobTemplate/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu';

function chartIn(app: App = Testing.app() as App): TimonelChart {
  return new TimonelChart(app, 'shop', { namespace: 'shop' });
}

function trainer(chart: TimonelChart): BatchJob {
  return new BatchJob(chart, 'train', { image: IMAGE, schedule: '0 3 * * *' });
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-patch-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('patchManifest', () => {
  test('patches the final manifest in Kubernetes names and plain values: a GPU limit is nvidia.com/gpu: "4"', () => {
    const chart = chartIn();
    const job = trainer(chart);
    patchManifest(job.cronJob!, JsonPatch.add(GPU, '4'));
    const limits = (objs: any[]) => podSpecOf(objs.find((o) => o.kind === 'CronJob')).containers[0].resources.limits;
    expect(limits(Testing.synth(chart))['nvidia.com/gpu']).toBe('4');
    expect(limits(synth(chart))['nvidia.com/gpu']).toBe('4');
    expect(limits(synth(job))).toEqual(expect.objectContaining({ 'nvidia.com/gpu': '4', 'memory': expect.any(String) }));
  });

  test('app.synth() writes the patched value into the YAML, and App.render has it', () => {
    const app = new App({ outdir: tmp });
    const job = trainer(chartIn(app));
    patchManifest(job, JsonPatch.add(GPU, '4'), JsonPatch.add('/spec/jobTemplate/spec/template/spec/containers/0/resources/limits/cpu', '2'));
    app.synth();
    const yaml = fs.readFileSync(path.join(tmp, 'shop.k8s.yaml'), 'utf8');
    expect(yaml).toContain('nvidia.com/gpu: "4"');
    expect(yaml).toContain('cpu: "2"');
    const cron = app.render().flatMap((f) => f.docs).find((d) => d.kind === 'CronJob');
    expect(podSpecOf(cron).containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
  });

  test('the policies see the patched manifest: hostPID: true fails the Pod Security rule', () => {
    const make = (app?: App) => {
      const chart = chartIn(app);
      const web = new WebApp(chart, 'web', { image: IMAGE });
      patchManifest(web.deployment, JsonPatch.add('/spec/template/spec/hostPID', true));
      return chart;
    };
    const chart = make();
    expect(podSpecOf(synth(chart, { policies: false }).find((o) => o.kind === 'Deployment')).hostPID).toBe(true);
    for (const run of [() => Testing.synth(chart), () => synth(chart)]) {
      const e = thrown(run);
      expect(e).toBeInstanceOf(PolicyError);
      expect(e.message).toContain('pss-baseline-host-namespaces');
    }
    const app = new App({ outdir: tmp });
    make(app);
    const e = thrown(() => app.render());
    expect(e).toBeInstanceOf(PolicyError);
    expect(e.message).toContain('hostPID');
    expect(() => app.synth()).toThrow(PolicyError);
  });

  test('is idempotent: two synths, and two renders of the object, give the same manifest', () => {
    const app = new App({ outdir: tmp });
    const chart = chartIn(app);
    const job = trainer(chart);
    patchManifest(job.cronJob!, JsonPatch.add(GPU, '4'), JsonPatch.add('/metadata/annotations', { team: 'ml' }));
    patchManifest(job.cronJob!, JsonPatch.replace('/spec/jobTemplate/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu', '8'));
    const first = ApiObject.of(job.cronJob!).toJson();
    expect(ApiObject.of(job.cronJob!).toJson()).toEqual(first);
    expect(podSpecOf(first).containers[0].resources.limits['nvidia.com/gpu']).toBe('8');
    expect(first.metadata.annotations).toEqual({ team: 'ml' });
    const once = Testing.synth(chart);
    expect(Testing.synth(chart)).toEqual(once);
    const rendered = JSON.stringify(app.render());
    expect(JSON.stringify(app.render())).toBe(rendered);
    app.synth();
    const yaml = fs.readFileSync(path.join(tmp, 'shop.k8s.yaml'), 'utf8');
    app.synth();
    expect(fs.readFileSync(path.join(tmp, 'shop.k8s.yaml'), 'utf8')).toBe(yaml);
    // The cdk8s patches of the object are left alone.
    expect((ApiObject.of(job.cronJob!) as any).patches).toEqual([]);
  });

  test('applies after addJsonPatch, and in a plain cdk8s chart too', () => {
    const chart = new Chart(Testing.app(), 'plain');
    const cm = new k8s.KubeConfigMap(chart, 'cm', { data: { a: '1' } });
    cm.addJsonPatch(JsonPatch.add('/data/b', '2'));
    patchManifest(cm, JsonPatch.move('/data/b', '/data/c'));
    expect(Testing.synth(chart)[0].data).toEqual({ a: '1', c: '2' });
    // Only the patched object renders differently.
    const other = new k8s.KubeConfigMap(chart, 'other', { data: { a: '1' } });
    expect(Object.prototype.hasOwnProperty.call(other, 'toJson')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(cm, 'toJson')).toBe(true);
  });

  test('fails when a manifest patch cannot apply', () => {
    const chart = chartIn();
    const web = new WebApp(chart, 'web', { image: IMAGE });
    patchManifest(web.deployment, JsonPatch.add('/spec/template/spec/nodeSelector/disk', 'ssd'));
    expect(() => Testing.synth(chart)).toThrow(TimonelError);
    expect(() => Testing.synth(chart)).toThrow(
      "[shop/web/Resource] 'patchManifest' cannot apply add /spec/template/spec/nodeSelector/disk 'ssd' to the manifest (",
    );
  });

  test('fails when the target is not an ApiObject or a patch is not a JsonPatch', () => {
    const chart = chartIn();
    expect(() => patchManifest(chart, JsonPatch.add('/a', 1))).toThrow("'patchManifest target' must be an ApiObject or a construct whose default child is one");
    const web = new WebApp(chart, 'web', { image: IMAGE });
    expect(() => patchManifest(web.deployment, { op: 'add', path: '/a', value: 1 } as any)).toThrow(
      "[shop/web/Resource] 'patchManifest patches[0]' must be a JsonPatch",
    );
  });
});

describe('addJsonPatch on a Kube* object, lost before the manifest', () => {
  test('fails when an added Kubernetes field name is dropped (hostPID)', () => {
    const chart = chartIn();
    const web = new WebApp(chart, 'web', { image: IMAGE });
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostPID', true));
    const e = thrown(() => Testing.synth(chart));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toBe(
      "[shop/web/Resource] 'addJsonPatch' add /spec/template/spec/hostPID true is lost in the synthesized manifest: /spec/template/spec/hostPID "
      + 'is missing there, because cdk8s applies addJsonPatch to the props of a generated Kube* object before converting them to Kubernetes JSON '
      + "(a Kubernetes field name such as hostPID is dropped, a plain quantity such as '4' becomes null), got undefined. "
      + 'Allowed: a patch of the final manifest with patchManifest, or an addJsonPatch in cdk8s prop names (hostPid) and k8s.Quantity values. '
      + "Fix: import { patchManifest } from 'timonel' and write patchManifest(ApiObject.of(x), JsonPatch.add('/spec/template/spec/hostPID', true)) instead",
    );
  });

  test('fails when an added quantity becomes null (nvidia.com/gpu), in every synth path', () => {
    const make = (app?: App) => {
      const chart = chartIn(app);
      ApiObject.of(trainer(chart).cronJob!).addJsonPatch(JsonPatch.add(GPU, '4'));
      return chart;
    };
    const chart = make();
    const app = new App({ outdir: tmp });
    make(app);
    for (const run of [() => Testing.synth(chart), () => synth(chart), () => app.render(), () => app.synth()]) {
      const e = thrown(run);
      expect(e).toBeInstanceOf(TimonelError);
      expect(e.message).toContain(`[shop/train/Resource] 'addJsonPatch' add ${GPU} '4' is lost in the synthesized manifest: ${GPU} is undefined (written as null) there`);
      expect(e.message).toContain(`patchManifest(ApiObject.of(x), JsonPatch.add('${GPU}', '4'))`);
    }
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('fails when a value under an added object is lost, naming where', () => {
    const chart = chartIn();
    const web = new WebApp(chart, 'web', { image: IMAGE });
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', { limits: { cpu: '1' } }));
    expect(() => Testing.synth(chart)).toThrow(
      'is lost in the synthesized manifest: /spec/template/spec/containers/0/resources/limits/cpu, under /spec/template/spec/containers/0/resources, is undefined (written as null) there',
    );
  });

  test('a patch in cdk8s prop names and k8s.Quantity values passes, as do removes and patches touched again', () => {
    const chart = chartIn();
    const web = new WebApp(chart, 'web', { image: IMAGE });
    const d = ApiObject.of(web.deployment);
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resources/limits/cpu', k8s.Quantity.fromString('1')));
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', false));
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/hostPID', true), JsonPatch.remove('/spec/template/spec/hostPID'));
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
    patchManifest(d, JsonPatch.remove('/spec/template/spec/enableServiceLinks'));
    const spec = podSpecOf(Testing.synth(chart).find((o) => o.kind === 'Deployment'));
    expect(spec.containers[0].resources.limits.cpu).toBe('1');
    expect(spec.hostNetwork).toBe(false);
    expect(spec.enableServiceLinks).toBeUndefined();
  });

  test('the patches are read through a guarded accessor: no patches field, nothing to check', () => {
    const chart = chartIn();
    const web = new WebApp(chart, 'web', { image: IMAGE });
    const d = ApiObject.of(web.deployment);
    expect(addedJsonPatches(d)).toBeUndefined();
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/hostPID', true));
    expect(addedJsonPatches(d)).toEqual([{ op: 'add', path: '/spec/template/spec/hostPID', value: true }]);
    expect(addedJsonPatches({} as ApiObject)).toBeUndefined();
    expect(addedJsonPatches({ patches: [{}] } as unknown as ApiObject)).toBeUndefined();
    expect(patchOperation({})).toBeUndefined();
    // A field of another shape (here a Set, which cdk8s still spreads): no check, plain cdk8s output.
    (d as any).patches = new Set([JsonPatch.add('/spec/template/spec/hostPID', true)]);
    expect(addedJsonPatches(d)).toBeUndefined();
    expect(podSpecOf(Testing.synth(chart).find((o) => o.kind === 'Deployment')).hostPID).toBeUndefined();
  });
});
