import { App as Cdk8sApp, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import * as argo from '../../imports/argoproj.io';
import * as flux from '../../imports/kustomize.toolkit.fluxcd.io';
import { SynthesizedChart } from '../synth/synth';
import { stringifyDocs } from '../synth/yaml';
import { applyRank } from './order';

/**
 * How the output reaches the cluster, which decides how the apply order is written down:
 * - 'kubectl': file and document order (`kubectl apply -k`);
 * - 'argocd': an `argocd.argoproj.io/sync-wave` annotation on every object;
 * - 'flux': one folder per chart, applied by one Flux Kustomization each, with `dependsOn`.
 */
export type DeliveryTool = 'kubectl' | 'argocd' | 'flux';

/** The Argo CD annotation that orders a sync: lower waves are applied (and healthy) first. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** The Argo CD annotation that makes an object a hook of a sync phase (PreSync, Sync, PostSync, …). */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
/** When Argo CD deletes a hook: BeforeHookCreation keeps the last run (for its logs) until the next one. */
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** A part of an environment's output applied as one unit: the whole folder, or one chart's folder (Flux). */
export interface DeliveryStage {
  /** The stage's name: the chart's file name without extension and index (`shop`). */
  readonly name: string;
  /** Its folder, relative to the environment's folder ('' for the environment's folder itself). */
  readonly folder: string;
  /** The stages applied (and ready) before this one. */
  readonly dependsOn: readonly string[];
  /** Its manifest file, inside `folder`. */
  readonly fileName: string;
}

/** Where the delivery objects find the synthesized output. */
export interface DeliveryRepository {
  /** The Git repository's URL (Argo CD `repoURL`). */
  readonly url: string;
  /**
   * The branch, tag or commit to deliver.
   * @default 'main'
   */
  readonly revision?: string;
  /**
   * The output folder's path inside the repository.
   * @default - the Environments' `outdir`, e.g. 'dist'
   */
  readonly path?: string;
}

/** Props of the delivery objects that `Environments` writes for each environment. */
export interface DeliveryProps {
  /** The delivery tool. */
  readonly tool: DeliveryTool;
  /** The repository holding the output (required for 'argocd' and 'flux'). @default - none (kubectl) */
  readonly repository?: DeliveryRepository;
  /**
   * The folder, inside the output folder, of the delivery objects: `<folder>/<env>/`.
   * @default 'delivery'
   */
  readonly folder?: string;
  /**
   * The namespace of the delivery objects.
   * @default - 'argocd' (Argo CD), 'flux-system' (Flux)
   */
  readonly namespace?: string;
  /**
   * The prefix of the delivery objects' names: `<name>-<env>`, `<name>-<env>-<stage>`.
   * @default 'platform'
   */
  readonly name?: string;
  /**
   * Argo CD: the AppProject of the Applications.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * Argo CD: the cluster each environment is delivered to, by environment name.
   * @default - 'https://kubernetes.default.svc' (the cluster Argo CD runs in) for every environment
   */
  readonly clusters?: { readonly [env: string]: string };
  /**
   * Flux: the source of the Kustomizations (a GitRepository or OCIRepository holding `repository`).
   * @default { kind: 'GitRepository', name: 'flux-system' } (what `flux bootstrap` creates)
   */
  readonly sourceRef?: { readonly kind: 'GitRepository' | 'OCIRepository'; readonly name: string };
  /**
   * Flux: how often each Kustomization is reconciled.
   * @default '10m'
   */
  readonly interval?: string;
}

/**
 * The sync wave of every document (by chart, then document), in timonel's apply order. Argo CD
 * applies a wave and waits until it is healthy before the next one, and within a wave orders by
 * its own kind list (which applies Deployments before StatefulSets and custom resources last), so,
 * per chart: one wave for what workloads need (every kind up to Service, ExternalSecrets and
 * NetworkPolicies included), one per workload kind (StatefulSet before Deployment, …), a further
 * wave where a `connectTo` client shares a kind with its target, and one for the rest
 * (autoscalers, budgets, ingresses, custom resources). A chart's waves start after the last wave
 * of the charts it depends on, at 0 without any (so unrelated charts sync side by side). Without
 * `chart`s to read dependencies from, each chart follows the one before it.
 */
export function syncWaves(charts: readonly (Pick<SynthesizedChart, 'docs' | 'sources'> & { readonly chart?: Chart })[]): number[][] {
  const deps = charts.every((c) => c.chart !== undefined)
    ? chartDependencies(charts.map((c) => c.chart!))
    : charts.map((_c, i) => (i > 0 ? [i - 1] : []));
  const lastWave: number[] = [];
  return charts.map((chart, c) => {
    let wave = Math.max(-1, ...deps[c].filter((j) => j < c).map((j) => lastWave[j]));
    let group: string | undefined;
    let members: IConstruct[] = [];
    const waves = chart.docs.map((doc, i) => {
      const stage = stageOf(doc?.kind ?? '');
      const source = chart.sources[i];
      // Only workloads wait for the workloads they connect to; the objects around them need no wave of their own.
      const workload = stage !== 'needs' && stage !== 'rest';
      if (stage !== group || (workload && source !== undefined && dependsOnAny(source, members))) {
        wave++;
        group = stage;
        members = [];
      }
      if (source !== undefined) members.push(source);
      return wave;
    });
    lastWave[c] = wave;
    return waves;
  });
}

/** Copies of `docs` with the sync wave annotation. */
export function withSyncWaves(docs: readonly any[], waves: readonly number[]): any[] {
  return docs.map((doc, i) => ({
    ...doc,
    metadata: { ...doc.metadata, annotations: { ...doc.metadata?.annotations, [ARGOCD_SYNC_WAVE]: String(waves[i]) } },
  }));
}

/** The name of a chart's stage: its file name without the extension and the index prefix. */
export function stageName(fileName: string, extension: string): string {
  const base = fileName.endsWith(extension) ? fileName.slice(0, -extension.length) : fileName;
  return base.replace(/^\d{4}-/, '');
}

/** For each chart, the charts (earlier in the list) that something in it depends on. */
export function chartDependencies(charts: readonly Chart[]): number[][] {
  const index = new Map<IConstruct, number>(charts.map((c, i) => [c, i]));
  return charts.map((chart, i) => {
    const deps = new Set<number>();
    for (const c of chart.node.findAll()) {
      for (const d of c.node.dependencies) {
        const j = index.get(closestChart(d) as IConstruct);
        if (j !== undefined && j !== i) deps.add(j);
      }
    }
    return [...deps].sort((a, b) => a - b);
  });
}

/**
 * The delivery objects of one environment: file name (inside `<folder>/<env>/`) to YAML.
 * @param outPath the output folder's path in the repository (`repository.path`, else the outdir)
 */
export function deliveryFiles(props: DeliveryProps, env: string, outPath: string, stages: readonly DeliveryStage[]): Map<string, string> {
  const files = new Map<string, string>();
  if (props.tool === 'kubectl') return files;
  const repository = props.repository ?? fail({
    path: 'Environments', prop: 'delivery.repository', message: `is required for ${props.tool}`,
    fix: "give the Git repository that holds the output, e.g. { url: 'https://github.com/acme/platform.git' }",
  });
  const name = props.name ?? 'platform';
  const base = (repository.path ?? outPath).replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  const envPath = `${base}/${env}`;
  const app = new Cdk8sApp();
  if (props.tool === 'argocd') {
    const namespace = props.namespace ?? 'argocd';
    const folder = props.folder ?? 'delivery';
    const root = new Chart(app, 'root');
    const apps = new Chart(app, 'apps');
    const application = (chart: Chart, id: string, path: string, destinationNamespace?: string): void => {
      new argo.Application(chart, id, {
        metadata: { name: id, namespace, labels: { 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'timonel' } },
        spec: {
          project: props.project ?? 'default',
          source: { repoUrl: repository.url, targetRevision: repository.revision ?? 'main', path },
          destination: { server: props.clusters?.[env] ?? 'https://kubernetes.default.svc', namespace: destinationNamespace },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      });
    };
    // App of apps: the root Application (applied once by hand) delivers the environment's Applications.
    application(root, `${name}-${env}-root`, `${base}/${folder}/${env}/apps`, namespace);
    application(apps, `${name}-${env}`, envPath);
    files.set('root.yaml', stringifyDocs(root.toJson()));
    files.set('apps/applications.yaml', stringifyDocs(apps.toJson()));
  } else {
    const chart = new Chart(app, 'flux');
    const source = props.sourceRef ?? { kind: 'GitRepository', name: 'flux-system' };
    for (const stage of stages) {
      new flux.Kustomization(chart, stage.name, {
        metadata: {
          name: `${name}-${env}-${stage.name}`,
          namespace: props.namespace ?? 'flux-system',
          labels: { 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'timonel' },
        },
        spec: {
          interval: props.interval ?? '10m',
          path: `./${[envPath, stage.folder].filter((p) => p !== '').join('/')}`,
          prune: true,
          wait: true,
          timeout: '5m',
          sourceRef: { kind: source.kind as flux.KustomizationSpecSourceRefKind, name: source.name },
          dependsOn: stage.dependsOn.length ? stage.dependsOn.map((d) => ({ name: `${name}-${env}-${d}` })) : undefined,
        },
      });
    }
    files.set('kustomizations.yaml', stringifyDocs(chart.toJson()));
  }
  return files;
}

/** Workload kinds get a wave each; everything a workload needs shares one before, the rest one after. */
function stageOf(kind: string): string {
  const rank = applyRank(kind);
  if (rank <= applyRank('Service')) return 'needs';
  if (rank <= applyRank('CronJob')) return kind;
  return 'rest';
}

// Whether `c` (or a scope of it) depends on a construct that is, or contains, one of `members`.
function dependsOnAny(c: IConstruct, members: readonly IConstruct[]): boolean {
  if (members.length === 0) return false;
  for (let x: IConstruct | undefined = c; x && !Chart.isChart(x); x = x.node.scope) {
    for (const d of x.node.dependencies) {
      const prefix = `${d.node.path}/`;
      if (members.some((m) => m === d || m.node.path.startsWith(prefix))) return true;
    }
  }
  return false;
}

function closestChart(c: IConstruct): Chart | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (Chart.isChart(x)) return x;
  return undefined;
}
