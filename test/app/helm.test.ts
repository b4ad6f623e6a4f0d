import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, parse } from 'yaml';
import { k8s } from 'cdk8s-plus-28';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { HELM_HOOK, HELM_HOOK_DELETE_POLICY, HELM_HOOK_WEIGHT, helmChartFiles, writeHelmChart } from '../../src/app/helm';
import { Migration } from '../../src/constructs/migration';
import { WebApp } from '../../src/constructs/web-app';
import { platform } from '../../src/examples/platform';

let stderr: jest.SpyInstance;
beforeEach(() => { stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true); });
afterEach(() => stderr.mockRestore());

/** What `helm template` does with these templates: each value reference replaced by its value. */
function renderTemplate(text: string, values: any): string {
  return text.replace(/\{\{ (?:"\{\{"|\.Values\.([\w.]+)( \| quote)?) \}\}/g, (_m, ref: string | undefined, quote: string | undefined) => {
    if (ref === undefined) return '{{';
    const v = ref.split('.').reduce((o, k) => o?.[k], values);
    if (v === undefined) throw new Error(`no value ${ref}`);
    return quote ? JSON.stringify(String(v)) : String(v);
  });
}

/** A hook as the plain output has it: without the Helm annotations, a Job with its spec hash. */
function withoutHook(doc: any): any {
  const annotations = { ...doc.metadata.annotations };
  if (annotations[HELM_HOOK] === undefined) return doc;
  for (const a of [HELM_HOOK, HELM_HOOK_WEIGHT, HELM_HOOK_DELETE_POLICY]) delete annotations[a];
  const name = doc.kind === 'Job' ? `${doc.metadata.name}-a1fd6ce9` : doc.metadata.name;
  return { ...doc, metadata: { ...doc.metadata, name, ...(Object.keys(annotations).length ? { annotations } : {}) } };
}

function prodApp(): App {
  return platform({ outdir: '/nonexistent' }).app('prod');
}

describe('Helm chart output', () => {
  test('rendered with its default values, the templates give the plain output, the Migration as a hook', () => {
    const files = helmChartFiles(prodApp(), { name: 'platform', version: '1.2.0' });
    const values = parse(files.get('values.yaml')!);
    const plain = prodApp().render();
    expect([...files.keys()].filter((f) => f.startsWith('templates/')).sort()).toEqual(plain.map((f) => `templates/${f.fileName.replace('.k8s.yaml', '')}.yaml`).sort());
    for (const f of plain) {
      const text = files.get(`templates/${f.fileName.replace('.k8s.yaml', '')}.yaml`)!;
      expect(text).not.toMatch(/__timonel_helm_/);
      expect(parseAllDocuments(renderTemplate(text, values)).map((d) => withoutHook(d.toJS()))).toEqual(f.docs);
    }
  });

  test('values.yaml exposes each workload image tag, replicas and resources; the templates use them', () => {
    const files = helmChartFiles(prodApp(), { name: 'platform', version: '1.2.0' });
    const values = parse(files.get('values.yaml')!);
    expect(values.shopApi).toEqual({
      image: { tag: '3.2.0' }, replicas: 3,
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    });
    expect(values.shopWeb.replicas).toBeUndefined(); // autoscaled
    const shop = files.get('templates/shop.yaml')!;
    expect(shop).toContain('image: ghcr.io/acme/shop-api:{{ .Values.shopApi.image.tag }}');
    expect(shop).toContain('replicas: {{ .Values.shopApi.replicas }}');
    expect(shop).not.toMatch(/ghcr.io\/acme\/shop-api:3.2.0/);
    // A changed value reaches the output.
    const rendered = parseAllDocuments(renderTemplate(shop, { ...values, shopApi: { ...values.shopApi, replicas: 5 } })).map((d) => d.toJS());
    expect(rendered.find((d) => d.kind === 'Deployment' && d.metadata.name === 'shop-api').spec.replicas).toBe(5);
  });

  test('a Migration is a pre-upgrade,post-install hook, after what its Job needs, deleted before its next run', () => {
    const shop = parseAllDocuments(helmChartFiles(prodApp(), { name: 'platform', version: '1.2.0' }).get('templates/shop.yaml')!.replace(/\{\{[^}]*\}\}/g, 'x')).map((d) => d.toJS());
    const hooks = shop.filter((d) => d.metadata.annotations?.[HELM_HOOK] !== undefined);
    const hook = (kind: string, name: string) => hooks.find((d) => d.kind === kind && d.metadata.name === name)?.metadata.annotations;
    // The hook runs at every upgrade whatever its name: no spec hash, so before-hook-creation finds the last run.
    expect(hook('Job', 'shop-migrate')).toMatchObject({ [HELM_HOOK]: 'pre-upgrade,post-install', [HELM_HOOK_WEIGHT]: '0', [HELM_HOOK_DELETE_POLICY]: 'before-hook-creation' });
    // What the Job needs (Migration.jobPrerequisites) exists before it, at every run.
    for (const [kind, name] of [['ServiceAccount', 'shop-migrate'], ['NetworkPolicy', 'shop-migrate-to-shop-db'], ['NetworkPolicy', 'shop-db-from-shop-migrate']]) {
      expect(hook(kind, name)).toMatchObject({ [HELM_HOOK]: 'pre-upgrade,post-install', [HELM_HOOK_WEIGHT]: '-1', [HELM_HOOK_DELETE_POLICY]: 'before-hook-creation' });
    }
    expect(hooks.map((d) => d.kind).sort()).toEqual(['Job', 'NetworkPolicy', 'NetworkPolicy', 'ServiceAccount']);
  });

  test("a --set of the app's tag migrates to that tag before the app rolls out, and moves the version labels", () => {
    const files = helmChartFiles(prodApp(), { name: 'platform', version: '1.2.0' });
    const values = parse(files.get('values.yaml')!);
    const shop = files.get('templates/shop.yaml')!;
    const docs = parseAllDocuments(renderTemplate(shop, { ...values, shopApi: { ...values.shopApi, image: { tag: '3.3.0' } } })).map((d) => d.toJS());
    const job = docs.find((d) => d.kind === 'Job');
    expect(job.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/shop-api:3.3.0');
    expect(job.metadata.labels['app.kubernetes.io/version']).toBe('3.3.0');
    const api = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'shop-api');
    expect(api.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/shop-api:3.3.0');
    expect(api.metadata.labels['app.kubernetes.io/version']).toBe('3.3.0');
    expect(api.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('3.3.0');
    expect(docs.find((d) => d.kind === 'Service' && d.metadata.name === 'shop-api').metadata.labels['app.kubernetes.io/version']).toBe('3.3.0');
    // Another workload keeps its own.
    expect(docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === 'shop-db').metadata.labels['app.kubernetes.io/version']).toBe('16.4');
  });

  test('a Migration with an image of its own gets a tag value of its own; Migrations run one after another in apply order', () => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
    const migrate = new Migration(chart, 'migrate', { image: 'ghcr.io/acme/migrator:2.0.0', before: [api] });
    new Migration(chart, 'schema', { image: 'ghcr.io/acme/api:1.0.0', before: [migrate] });
    const files = helmChartFiles(app, { name: 'shop', version: '0.1.0' });
    const values = parse(files.get('values.yaml')!);
    expect(values.shopMigrate).toEqual({ image: { tag: '2.0.0' } });
    expect(values.shopSchema).toEqual({ image: { tag: '1.0.0' } }); // 'api' is not in its before
    const text = files.get('templates/shop.yaml')!;
    expect(text).toContain('image: ghcr.io/acme/migrator:{{ .Values.shopMigrate.image.tag }}');
    const jobs = parseAllDocuments(renderTemplate(text, values)).map((d) => d.toJS()).filter((d) => d.kind === 'Job');
    expect(jobs.map((j) => [j.metadata.name, j.metadata.annotations[HELM_HOOK_WEIGHT]])).toEqual([['shop-schema', '0'], ['shop-migrate', '2']]);
  });

  test('Chart.yaml has the name and version; a literal {{ in the content is escaped', () => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new TimonelChart(app, 'cfg', { namespace: 'cfg' });
    new k8s.KubeConfigMap(chart, 'tpl', { metadata: { name: 'tpl' }, data: { greeting: 'Hello {{ name }}' } });
    const files = helmChartFiles(app, { name: 'cfg', version: '0.1.0', appVersion: '2.0' });
    expect(parse(files.get('Chart.yaml')!)).toEqual({ apiVersion: 'v2', name: 'cfg', description: 'Generated by timonel', type: 'application', version: '0.1.0', appVersion: '2.0' });
    const text = files.get('templates/cfg.yaml')!;
    expect(text).toContain('greeting: Hello {{ "{{" }} name }}');
    expect(parseAllDocuments(renderTemplate(text, {})).map((d) => d.toJS())).toEqual(app.render()[0].docs);
  });

  test('CustomResourceDefinitions go to crds/, untemplated', () => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new TimonelChart(app, 'ops');
    new k8s.KubeCustomResourceDefinition(chart, 'crd', {
      metadata: { name: 'widgets.acme.io' },
      spec: { group: 'acme.io', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openApiv3Schema: { type: 'object' } } }] },
    });
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm', namespace: 'ops' }, data: { a: 'b' } });
    const files = helmChartFiles(app, { name: 'ops', version: '0.1.0' });
    expect(parseAllDocuments(files.get('crds/crds.yaml')!).map((d) => d.toJS().metadata.name)).toEqual(['widgets.acme.io']);
    expect(files.get('templates/ops.yaml')).not.toContain('CustomResourceDefinition');
  });

  test('writeHelmChart writes the chart folder', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-helm-'));
    try {
      writeHelmChart(prodApp(), path.join(tmp, 'chart'), { name: 'platform', version: '1.0.0' });
      expect(fs.readdirSync(path.join(tmp, 'chart')).sort()).toEqual(['.timonel', 'Chart.yaml', 'templates', 'values.yaml']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('fails when the name or version is not valid', () => {
    expect(() => helmChartFiles(prodApp(), { name: 'Platform', version: '1.0.0' })).toThrow(
      "[helmChartFiles] 'options.name' is not a valid DNS-1123 label, got 'Platform'. Allowed: a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters. Fix: write 'platform'",
    );
    expect(() => helmChartFiles(prodApp(), { name: 'platform', version: 'v1' })).toThrow(/^\[helmChartFiles\] 'options\.version' must be a SemVer 2 version, got 'v1'\..*Fix: write a version such as '1\.0\.0'$/);
    expect(() => helmChartFiles(prodApp(), { name: 'platform', version: 'v1.2.0' })).toThrow("Fix: write '1.2.0' (without the 'v')");
  });

  test('fails when an option is misspelt (the description was dropped), and the fix writes it', () => {
    expect(() => helmChartFiles(prodApp(), { name: 'platform', version: '1.0.0', descripton: 'shop' } as any)).toThrow(
      "[helmChartFiles] 'options.descripton' is not a known option of helmChartFiles, got 'shop'. Allowed: 'name', 'version', 'appVersion', 'description'. Fix: did you mean 'description'?",
    );
    expect(parse(helmChartFiles(prodApp(), { name: 'platform', version: '1.0.0', description: 'shop' }).get('Chart.yaml')!).description).toBe('shop');
  });

  test("fails when 'name' is misspelt, with a did-you-mean rather than 'name' missing", () => {
    expect(() => helmChartFiles(prodApp(), { nam: 'platform', version: '1.0.0' } as any)).toThrow(
      "[helmChartFiles] 'options.nam' is not a known option of helmChartFiles, got 'platform'. Allowed: 'name', 'version', 'appVersion', 'description'. Fix: did you mean 'name'?",
    );
  });

  test('fails when the name is missing, with the call as the fix, and the fix works', () => {
    expect(() => helmChartFiles(prodApp(), { version: '1.2.0' } as any)).toThrow(
      "[helmChartFiles] 'options.name' is required, got undefined. Allowed: a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters. "
      + "Fix: pass it: helmChartFiles(app, { name: 'platform', version: '1.2.0' })",
    );
    expect(parse(helmChartFiles(prodApp(), { name: 'platform', version: '1.2.0' }).get('Chart.yaml')!).name).toBe('platform');
  });

  test('fails when the options are not an object, or appVersion is a number', () => {
    expect(() => helmChartFiles(prodApp(), 'platform' as any)).toThrow(
      "[helmChartFiles] 'options' must be an object, but is a string, got 'platform'. Allowed: { name, version, appVersion?, description? }. "
      + "Fix: pass the chart's name and version: helmChartFiles(app, { name: 'platform', version: '1.0.0' })",
    );
    expect(() => helmChartFiles(prodApp(), { name: 'platform', version: '1.0.0', appVersion: 1.2 as any })).toThrow(
      "[helmChartFiles] 'options.appVersion' must be a string, but is a number, got 1.2. Allowed: a non-empty string. Fix: write it as a string: '1.2'",
    );
    expect(parse(helmChartFiles(prodApp(), { name: 'platform', version: '1.0.0', appVersion: '1.2' }).get('Chart.yaml')!).appVersion).toBe('1.2');
  });

  test('fails when the app is missing (it was a TypeError), and the fix writes the chart', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-helm-'));
    try {
      const dir = path.join(tmp, 'chart');
      expect(() => writeHelmChart(undefined as any, dir, { name: 'platform', version: '1.0.0' })).toThrow(
        `[writeHelmChart] 'app' is required, got undefined. Allowed: a timonel App (its output becomes the chart). Fix: pass it: writeHelmChart(app, '${dir}', { name: 'platform', version: '1.0.0' })`,
      );
      expect(() => helmChartFiles(prodApp().charts[0] as any, { name: 'platform', version: '1.0.0' })).toThrow(
        /^\[helmChartFiles\] 'app' must be a timonel App \(its output becomes the chart\), but is a TimonelChart, got '.*'\. Allowed: .*\. Fix: pass the App itself, not a chart or construct in it: helmChartFiles\(app, …\)$/,
      );
      writeHelmChart(prodApp(), dir, { name: 'platform', version: '1.0.0' });
      expect(fs.existsSync(path.join(dir, 'Chart.yaml'))).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
