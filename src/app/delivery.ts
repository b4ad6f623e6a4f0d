import { App as Cdk8sApp, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { durationProblem, durationSeconds, DURATION_FORM, formatDuration } from '../core/duration';
import { fail } from '../core/errors';
import { startupBudgetOf } from '../core/probes';
import * as argo from '../../imports/argoproj.io';
import * as flux from '../../imports/kustomize.toolkit.fluxcd.io';
import { SynthesizedChart } from '../synth/synth';
import { stringifyDocs } from '../synth/yaml';
import { Migration } from '../constructs/migration';
import { POD_KINDS } from '../core/dependencies';
import { LABELS } from '../core/labels';
import { isValidName, NameRule } from '../core/names';
import { isClusterScoped } from '../policies/model';
import { applyRank, awaitedObjects, runsLast } from './order';

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
/** When Argo CD deletes a hook: BeforeHookCreation deletes one of the same name before creating it again (a Job named by its spec's hash stays: one per release). */
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
  /**
   * The longest `activeDeadlineSeconds` of its Jobs (a migration's stage, or the stage of a chart's
   * Jobs nothing depends on), which a tool that waits for the stage to be ready must wait for at least.
   * @default - none: the stage has no Job with a deadline
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * The longest time its pods may take to start before Kubernetes gives up on them, by their startup
   * probes: `initialDelaySeconds + periodSeconds × failureThreshold` of a pod's slowest container, times
   * the replicas of a StatefulSet (its pods start one after another unless `podManagementPolicy` is
   * 'Parallel'), which a tool that waits for the stage to be ready must wait for at least.
   * @default - none: no pod of the stage has a startup probe
   */
  readonly startupSeconds?: number;
}

/** Where the delivery objects find the synthesized output. */
export interface DeliveryRepository {
  /**
   * The repository's URL (Argo CD `repoURL`): `https://…`, `http://…`, `ssh://…`, or scp-like
   * `git@host:path` (Argo CD only; Flux needs `ssh://git@host/path`); `oci://…` for an
   * OCIRepository source (Flux) or an OCI source (Argo CD 3.1 or later).
   */
  readonly url: string;
  /**
   * Argo CD: the branch, tag or commit to deliver (for an `oci://` URL: the artifact's tag or
   * digest, required). Flux applies what its source (`sourceRef`) fetches, so there it is an error:
   * set the branch or tag on that source.
   * @default 'main' (DEFAULTS.delivery.argocd.revision; Argo CD with a Git repository)
   */
  readonly revision?: string;
  /**
   * The output folder's path inside the repository, relative to its root ('dist', 'deploy/dist';
   * not '/dist'). Required when `outdir` is absolute or outside the working directory, and to be
   * set when the project is in a subfolder of its repository (a monorepo: 'platform/dist').
   * @default - the Environments' `outdir` as written, relative to the working directory (e.g. 'dist'),
   *   which is right only when synthesizing at the repository root (timonel does not ask git)
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
   * The folder, inside the output folder, of the delivery objects: `<folder>/<env>/` (a relative path).
   * @default 'delivery' (DEFAULTS.delivery.folder)
   */
  readonly folder?: string;
  /**
   * The namespace of the delivery objects.
   * @default - 'argocd' (Argo CD: DEFAULTS.delivery.argocd.namespace), 'flux-system' (Flux: DEFAULTS.delivery.flux.namespace)
   */
  readonly namespace?: string;
  /**
   * The prefix of the delivery objects' names: `<name>-<env>`, `<name>-<env>-<stage>`.
   * @default 'platform' (DEFAULTS.delivery.name)
   */
  readonly name?: string;
  /**
   * Argo CD: the AppProject of the Applications.
   * @default 'default' (DEFAULTS.delivery.argocd.project)
   */
  readonly project?: string;
  /**
   * Argo CD: the API server URL of the cluster each environment is delivered to, by environment
   * name (each key must be one of the environments).
   * @default - 'https://kubernetes.default.svc' (DEFAULTS.delivery.argocd.server: the cluster Argo CD runs in) for every environment
   */
  readonly clusters?: { readonly [env: string]: string };
  /**
   * Flux: the source of the Kustomizations (a GitRepository or OCIRepository holding `repository`).
   * @default { kind: 'GitRepository', name: 'flux-system' } (DEFAULTS.delivery.flux.sourceRef: what `flux bootstrap` creates)
   */
  readonly sourceRef?: { readonly kind: 'GitRepository' | 'OCIRepository'; readonly name: string };
  /**
   * Flux: how often each Kustomization is reconciled (a Flux duration: units ms, s, m, h).
   * @default '10m' (DEFAULTS.delivery.flux.interval)
   */
  readonly interval?: string;
  /**
   * Flux: how long applying a stage and waiting for it to be ready (`wait: true`) may take before
   * the Kustomization fails (a Flux duration: units ms, s, m, h), beyond what its Jobs and pods are
   * allowed: each stage gets on top the longest of its Jobs' `activeDeadlineSeconds` (a Migration's,
   * or the `<chart>-jobs` stage of the Jobs nothing depends on: `1h5m` for the default deadline of one
   * hour) and its pods' startup budget by their startup probes (`15m` for a stage with the PostgreSQL
   * preset, whose probe allows 10 minutes), since Flux waits until the Jobs complete and the pods are ready.
   * @default '5m' (DEFAULTS.delivery.flux.timeout)
   */
  readonly timeout?: string;
}

/**
 * The tool of each option that only one tool uses, so that one given to another tool is an error
 * rather than ignored. (`repository`, `folder`, `namespace` and `name` serve both, and switching
 * between them, or to kubectl, is a change of `tool` alone.)
 */
export const DELIVERY_OPTION_TOOLS: { readonly [option: string]: readonly DeliveryTool[] } = {
  project: ['argocd'],
  clusters: ['argocd'],
  sourceRef: ['flux'],
  interval: ['flux'],
  timeout: ['flux'],
};

/** What a Flux duration is (the pattern of Flux's CRDs: Go durations without ns and us). */
export const FLUX_DURATION_ALLOWED = `a Flux duration: ${DURATION_FORM}`;

/** The problem with a Flux duration (`interval`, `timeout`), with a fix that fits it; undefined when it is fine. */
export function fluxDurationProblem(s: string): { message: string; fix: string } | undefined {
  return durationProblem(s, 'a Flux duration');
}

/** The longest `activeDeadlineSeconds` of the Jobs among `docs`, if any has one. */
export function jobsDeadline(docs: readonly any[]): number | undefined {
  const deadlines = docs
    .filter((d) => d?.kind === 'Job' && typeof d.spec?.activeDeadlineSeconds === 'number')
    .map((d) => d.spec.activeDeadlineSeconds as number);
  return deadlines.length ? Math.max(...deadlines) : undefined;
}

/**
 * The longest time the pods among `docs` (Deployments, StatefulSets, DaemonSets, ReplicaSets, Pods;
 * not Jobs, which have their deadline) may take to start, by their startup probes: per pod, the
 * slowest container's `initialDelaySeconds + periodSeconds × failureThreshold` (Kubernetes' defaults
 * 0, 10 and 3), after which the kubelet restarts it. A StatefulSet's pods start one after another
 * (`podManagementPolicy: OrderedReady`, the default), so its budget is that times its replicas.
 * Undefined when no pod has a startup probe.
 */
export function startupBudget(docs: readonly any[]): number | undefined {
  let longest: number | undefined;
  for (const d of docs) {
    const kind = d?.kind;
    const pod = kind === 'Pod' ? d.spec : ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(kind) ? d.spec?.template?.spec : undefined;
    let seconds = startupBudgetOf(pod)?.seconds;
    if (seconds === undefined) continue;
    if (kind === 'StatefulSet' && d.spec?.podManagementPolicy !== 'Parallel') seconds *= Math.max(1, d.spec?.replicas ?? 1);
    longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}

/**
 * The accepted form of a delivery repository URL for `tool` (and the Flux source kind), as
 * Argo CD's repoURL and Flux's GitRepository (`^(http|https|ssh)://`) and OCIRepository
 * (`^oci://`) take it; undefined when it is fine.
 */
export function repositoryUrlProblem(url: string, tool: DeliveryTool, sourceKind: 'GitRepository' | 'OCIRepository'): { message: string; allowed: string; fix: string } | undefined {
  const oci = tool === 'flux' && sourceKind === 'OCIRepository';
  const allowed = oci
    ? "an oci:// URL (the OCIRepository's), e.g. 'oci://ghcr.io/acme/platform-manifests'"
    : tool === 'flux'
      ? "an https://, http:// or ssh:// URL (a Flux GitRepository's), e.g. 'https://github.com/acme/platform.git' or 'ssh://git@github.com/acme/platform.git'"
      : "an https://, http://, ssh:// or oci:// URL, or scp-like 'git@host:path', e.g. 'https://github.com/acme/platform.git'";
  const problem = (message: string, fix: string) => ({ message, allowed, fix });
  if (/\s/.test(url)) return problem('has white space', `write it without: '${url.replace(/\s+/g, '')}'`);
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1].toLowerCase();
  if (scheme === undefined && scp && scp[1] !== undefined) {
    // git@github.com:acme/x.git: Argo CD takes it, Flux wants the ssh:// form.
    const sshForm = `ssh://${scp[1]}${scp[2]}/${scp[3].replace(/^\//, '')}`;
    if (tool !== 'flux') return undefined;
    return oci
      ? problem('is an scp-like Git address, but the source is an OCIRepository', "give the OCI artifact's oci:// URL, or sourceRef.kind 'GitRepository'")
      : problem('is an scp-like Git address, which Flux does not take', `write '${sshForm}'`);
  }
  const slashes = /^(https?|ssh|oci):\/?(?!\/)(.*)$/i.exec(url);
  if (scheme === undefined && slashes) return problem('is not a valid URL', `write '${slashes[1].toLowerCase()}://${slashes[2]}'`);
  if (scheme === undefined) {
    const host = url.replace(/^\/+/, '');
    return problem('has no scheme', oci ? `write 'oci://${host}'` : `write 'https://${host}'`);
  }
  const accepted = oci ? ['oci'] : tool === 'flux' ? ['https', 'http', 'ssh'] : ['https', 'http', 'ssh', 'oci'];
  if (!accepted.includes(scheme)) {
    const rest = url.slice(scheme.length + 3);
    const fix = oci
      ? "give the OCI artifact's oci:// URL (e.g. 'oci://ghcr.io/acme/platform-manifests'), or sourceRef.kind 'GitRepository' for a Git repository"
      : scheme === 'oci' ? "set sourceRef: { kind: 'OCIRepository', name: … } for an OCI source, or give the Git repository's https:// URL" : `write 'https://${rest}'`;
    return problem(`has the scheme '${scheme}', which ${tool === 'flux' ? `a Flux ${sourceKind}` : 'Argo CD'} does not take`, fix);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return problem('is not a valid URL', "write the repository's URL as its host shows it, e.g. 'https://github.com/acme/platform.git'");
  }
  if (parsed.hostname === '') return problem('has no host', "write the repository's URL with its host, e.g. 'https://github.com/acme/platform.git'");
  // A page of the repository in a browser (…/tree/main/dist): the repository is the part before.
  const page = /^(\/[^/]+\/[^/]+?)(?:\/-)?\/(?:tree|blob)\/([^/]+)(?:\/(.*))?$/.exec(parsed.pathname);
  if ((scheme === 'https' || scheme === 'http') && page) {
    const dir = page[3]?.replace(/\/+$/, '');
    return problem(
      'is the address of a page of the repository, not of the repository',
      `write url '${parsed.origin}${page[1]}', revision '${page[2]}'${dir ? `, path '${dir}'` : ''}`,
    );
  }
  return undefined;
}

/**
 * The problem with a path inside the repository or the output folder (`repository.path`,
 * `folder`): relative, '/'-separated, without '..' or empty parts; undefined when it is fine.
 * './dist' and 'dist/' are fine (written as 'dist'); '.' is the root where `root` allows it.
 */
export function relativePathProblem(p: string, example: string, root: boolean): { message: string; fix: string } | undefined {
  const clean = normalPath(p);
  const suggestion = `write '${clean || (root ? '.' : example)}'`;
  if (p.includes('\\')) return { message: "has a '\\', but paths in a repository use '/'", fix: suggestion };
  if (p.startsWith('/')) return { message: `is an absolute path, but it is relative to the ${root ? 'repository root' : 'output folder'}`, fix: suggestion };
  if (clean.split('/').includes('..')) return { message: `goes up with '..', out of the ${root ? 'repository root' : 'output folder'}`, fix: `give the path from the ${root ? 'repository root' : 'output folder'}, e.g. '${example}'` };
  if (clean === '' && !root) return { message: 'is the output folder itself, which holds the environments', fix: `write '${example}'` };
  const rest = p.replace(/^\.\//, '').replace(/\/$/, '');
  if (clean === '' ? p !== '.' && p !== './' : rest.split('/').some((x) => x === '' || x === '.')) return { message: "has empty or '.' parts", fix: suggestion };
  return undefined;
}

/** A relative path in normal form: no './', no trailing '/', '' for the root. */
export function normalPath(p: string): string {
  return p.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.').join('/');
}

/** Joins path parts, skipping empty ones (the repository root is ''). */
function joinParts(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** What a typo of a duration most likely meant, as a Flux duration: '300' -> '300s', '1d' -> '24h', '5 min' -> '5m'. */
/**
 * The sync wave of every document (by chart, then document). Argo CD applies a wave and waits until
 * it is healthy before the next one, and within a wave orders by its own kind list (which applies
 * Deployments before StatefulSets and custom resources last), so, per chart: one wave for what
 * workloads need (every kind up to Service, ExternalSecrets and NetworkPolicies included), then the
 * workloads (StatefulSet, Deployment, DaemonSet, Job, CronJob, Pod) by their dependencies, one for
 * the rest (autoscalers, budgets, ingresses, custom resources). A workload's wave is one after the
 * latest wave of the workloads of its chart it depends on (`connectTo`, `node.addDependency`, a
 * Migration's `before`): the longest path of dependencies to it, so a workload that depends on
 * nothing is in the first workload wave whatever the order of the code. A chart with Migrations
 * keeps its stages (the same as Flux's and kubectl's): its prerequisites (what comes before the
 * first migration Job in apply order: the stores and what the migrations need), the migration Jobs
 * (a level per migration that waits for another), then the other workloads, each part by its
 * dependencies. A chart's waves start after the last wave of the charts it depends on, at 0
 * without any (so unrelated charts sync side by side). Without `chart`s to read dependencies from,
 * each chart follows the one before it.
 *
 * Jobs and CronJobs that nothing depends on (`runsLast`; not a Migration's) get the wave after every
 * other wave of the app: waves are Application-wide, so a Job in an earlier wave would hold back every
 * later wave, of its chart and of the others, until it completes (a CronJob: while Argo CD deems it
 * unhealthy), and Argo CD waits for nothing after the last wave.
 * @param awaited whether something depends on an object (or a construct holding it); by default
 *   found from the charts' app
 */
export function syncWaves(
  charts: readonly (Pick<SynthesizedChart, 'docs' | 'sources'> & { readonly chart?: Chart })[],
  awaited?: (source: IConstruct) => boolean,
): number[][] {
  const deps = charts.every((c) => c.chart !== undefined)
    ? chartDependencies(charts.map((c) => c.chart!))
    : charts.map((_c, i) => (i > 0 ? [i - 1] : []));
  let isAwaited = awaited;
  const last = (doc: any, source: IConstruct | undefined): boolean => {
    if (source === undefined || (doc?.kind !== 'Job' && doc?.kind !== 'CronJob')) return false;
    isAwaited ??= awaitedObjects(source.node.root);
    return runsLast(doc.kind, source, isAwaited);
  };
  const lastWave: number[] = [];
  const all = charts.map((chart, c) => {
    const base = Math.max(-1, ...deps[c].filter((j) => j < c).map((j) => lastWave[j])) + 1;
    const waves = chartWaves(chart.docs, chart.sources, last).map((w) => (w === LAST ? LAST : base + w));
    lastWave[c] = waves.reduce((a, w) => Math.max(a, w), base - 1);
    return waves;
  });
  const after = lastWave.reduce((a, b) => Math.max(a, b), -1) + 1;
  return all.map((waves) => waves.map((w) => (w === LAST ? after : w)));
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
 * Argo CD and Flux: fails when a chart has namespaced objects without a namespace (a chart with no
 * `namespace`). kubectl puts them in the namespace it is pointed at; Flux's kustomize-controller
 * refuses them (no `targetNamespace` is set), and Argo CD puts them in its Application's
 * `destination.namespace`, which is unset, since one Application delivers every chart of the
 * environment. No namespace is made up for them: the chart says where its objects go.
 */
export function checkChartNamespaces(charts: readonly { readonly chart: Chart; readonly docs: readonly any[] }[], tool: DeliveryTool): void {
  if (tool === 'kubectl') return;
  for (const { chart, docs } of charts) {
    const missing = docs.filter((d) => typeof d?.kind === 'string' && !isClusterScoped(d.kind) && !d.metadata?.namespace);
    if (missing.length === 0) continue;
    const listed = missing.slice(0, 3).map((d) => `${d.kind} ${d.metadata?.name}`).join(', ') + (missing.length > 3 ? `, and ${missing.length - 3} more` : '');
    const id = chart.node.id.toLowerCase();
    const example = isValidName(id, NameRule.DNS_1123_LABEL) ? id : 'shop';
    fail({
      scope: chart, prop: 'namespace',
      message: `is not set, so the chart's namespaced objects have no namespace (${listed}), and delivery is '${tool}': `
        + (tool === 'flux'
          ? "Flux's kustomize-controller refuses a namespaced object without a namespace (its Kustomization sets no targetNamespace)"
          : "Argo CD would put them in the Application's destination.namespace, which is unset: one Application delivers every chart of the environment"),
      allowed: 'a namespace on every chart that has namespaced objects (under Argo CD and Flux)',
      fix: `give chart '${chart.node.path}' a namespace: new TimonelChart(app, '${chart.node.id}', { namespace: '${example}' }) creates it too (createNamespace: false if it exists already)`,
    });
  }
}

/**
 * Flux: each chart's dependencies (`deps`, from `chartDependencies`) plus the chart that creates a
 * namespace it has objects in (a chart with `createNamespace: false` sharing another's namespace).
 * Flux reconciles Kustomizations side by side, so without it the chart's apply fails on a first
 * install until the namespace exists (at the next `interval`). Fails when that makes a cycle.
 */
export function withNamespaceDependencies(charts: readonly { readonly chart: Chart; readonly docs: readonly any[] }[], deps: readonly (readonly number[])[]): number[][] {
  const creator = new Map<string, number>();
  charts.forEach((c, i) => c.docs.forEach((d) => {
    const name = d?.kind === 'Namespace' ? d.metadata?.name : undefined;
    if (typeof name === 'string' && !creator.has(name)) creator.set(name, i);
  }));
  const viaNamespace = new Map<string, string>();
  const out = charts.map((c, i) => {
    const all = new Set(deps[i] ?? []);
    for (const d of creator.size ? c.docs : []) {
      const ns = d?.metadata?.namespace;
      const k = typeof ns === 'string' ? creator.get(ns) : undefined;
      if (k === undefined || k === i || all.has(k)) continue;
      all.add(k);
      viaNamespace.set(`${i}>${k}`, ns);
    }
    return [...all].sort((a, b) => a - b);
  });
  if (viaNamespace.size === 0) return out;
  const cycle = findCycle(out);
  if (cycle) {
    const at = cycle.findIndex((a, n) => n + 1 < cycle.length && viaNamespace.has(`${a}>${cycle[n + 1]}`));
    const [user, owner] = [charts[cycle[at]].chart, charts[cycle[at + 1]].chart];
    const ns = viaNamespace.get(`${cycle[at]}>${cycle[at + 1]}`)!;
    const rotated = [...cycle.slice(at, -1), ...cycle.slice(0, at), cycle[at]].map((i) => charts[i].chart.node.path);
    fail({
      scope: user, prop: 'namespace', value: ns,
      message: `is '${ns}', which chart '${owner.node.path}' creates, so under Flux this chart's Kustomization must depend on that chart's; `
        + `but '${owner.node.path}' depends on '${user.node.path}', which makes a dependency cycle: ${rotated.join(' => ')}`,
      allowed: 'a namespace created by this chart, by a chart it comes after, or outside the app',
      fix: `create namespace '${ns}' in chart '${user.node.path}', which is applied first (namespace: '${ns}' with createNamespace: true), `
        + `and set createNamespace: false on chart '${owner.node.path}'`,
    });
  }
  return out;
}

/** A cycle of `edges` (from each node, the nodes it depends on) as a path that ends where it starts, if any. */
function findCycle(edges: readonly (readonly number[])[]): number[] | undefined {
  const state = edges.map(() => 0); // 0 not seen, 1 on the path, 2 done
  for (let start = 0; start < edges.length; start++) {
    if (state[start] !== 0) continue;
    // Iterative depth-first search: the path and, per node on it, the next edge to follow.
    const path = [start];
    const next = [0];
    state[start] = 1;
    while (path.length) {
      const node = path[path.length - 1];
      const j = edges[node][next[next.length - 1]++];
      if (j === undefined) {
        state[node] = 2;
        path.pop();
        next.pop();
      } else if (state[j] === 1) {
        return [...path.slice(path.indexOf(j)), j];
      } else if (state[j] === 0) {
        state[j] = 1;
        path.push(j);
        next.push(0);
      }
    }
  }
  return undefined;
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
    allowed: "a Git repository { url, revision?, path? } for Argo CD and Flux (none for kubectl)", fix: "give the Git repository that holds the output, e.g. { url: 'https://github.com/acme/platform.git' }",
  });
  const name = props.name ?? DEFAULTS.delivery.name;
  const base = normalPath(repository.path ?? outPath);
  const envPath = joinParts(base, env);
  const app = new Cdk8sApp();
  if (props.tool === 'argocd') {
    const d = DEFAULTS.delivery.argocd;
    const namespace = props.namespace ?? d.namespace;
    const folder = props.folder ?? DEFAULTS.delivery.folder;
    const root = new Chart(app, 'root');
    const apps = new Chart(app, 'apps');
    const application = (chart: Chart, id: string, path: string, server: string, destinationNamespace?: string): void => {
      new argo.Application(chart, id, {
        metadata: { name: id, namespace, labels: { [LABELS.partOf]: name, [LABELS.managedBy]: DEFAULTS.managedBy } },
        spec: {
          project: props.project ?? d.project,
          source: { repoUrl: repository.url, targetRevision: repository.revision ?? d.revision, path },
          destination: { server, namespace: destinationNamespace },
          syncPolicy: { automated: { prune: d.syncPolicy.prune, selfHeal: d.syncPolicy.selfHeal } },
        },
      });
    };
    // App of apps: the root Application (applied once by hand) delivers the environment's Applications
    // into Argo CD's own cluster and namespace, where Argo CD watches them; only they target the
    // environment's cluster (`clusters`).
    application(root, `${name}-${env}-root`, joinParts(base, normalPath(folder), env, 'apps'), d.server, namespace);
    application(apps, `${name}-${env}`, envPath, props.clusters?.[env] ?? d.server);
    files.set('root.yaml', stringifyDocs(root.toJson()));
    files.set('apps/applications.yaml', stringifyDocs(apps.toJson()));
  } else {
    const chart = new Chart(app, 'flux');
    const d = DEFAULTS.delivery.flux;
    const source = props.sourceRef ?? d.sourceRef;
    const timeout = props.timeout ?? d.timeout;
    for (const stage of stages) {
      new flux.Kustomization(chart, stage.name, {
        metadata: {
          name: `${name}-${env}-${stage.name}`,
          namespace: props.namespace ?? d.namespace,
          labels: { [LABELS.partOf]: name, [LABELS.managedBy]: DEFAULTS.managedBy },
        },
        spec: {
          interval: props.interval ?? d.interval,
          path: `./${joinParts(envPath, stage.folder)}`,
          prune: d.prune,
          // Required, not a default: dependsOn waits for a stage's objects to be ready only with wait.
          wait: true,
          // Flux waits for the stage's Jobs to complete (a migration's, or `<chart>-jobs`) and its pods
          // to be ready: up to the Jobs' deadline and the pods' startup budget, which run side by side.
          timeout: stageTimeout(stage, timeout),
          sourceRef: { kind: source.kind as flux.KustomizationSpecSourceRefKind, name: source.name },
          dependsOn: stage.dependsOn.length ? stage.dependsOn.map((d) => ({ name: `${name}-${env}-${d}` })) : undefined,
        },
      });
    }
    files.set('kustomizations.yaml', stringifyDocs(chart.toJson()));
  }
  return files;
}

/** A stage's Flux timeout: `timeout` plus the longest of its Jobs' deadline and its pods' startup budget. */
function stageTimeout(stage: DeliveryStage, timeout: string): string {
  const waits = Math.max(stage.activeDeadlineSeconds ?? 0, stage.startupSeconds ?? 0);
  return waits === 0 ? timeout : formatDuration(waits + durationSeconds(timeout));
}

// The placeholder for the wave after every other wave of the app.
const LAST = -1;

/**
 * The waves of one chart's documents from 0 (consecutive), or LAST: one for what workloads need,
 * the workloads by their longest path of dependencies within their part (prerequisites, migration
 * Jobs, the rest), one for the rest. Linear in the documents and their dependencies: the documents
 * are in apply order, so a workload's dependencies in the chart come before it.
 */
function chartWaves(docs: readonly any[], sources: readonly (IConstruct | undefined)[], last: (doc: any, source: IConstruct | undefined) => boolean): number[] {
  const kind = (i: number): string => docs[i]?.kind ?? '';
  const isLast = docs.map((d, i) => last(d, sources[i]));
  const workload = docs.map((_d, i) => !isLast[i] && POD_KINDS.has(kind(i)) && applyRank(kind(i)) <= applyRank('CronJob'));
  const migration = docs.map((_d, i) => workload[i] && kind(i) === 'Job' && Migration.isMigration(sources[i]));
  const first = migration.indexOf(true);
  // The part of a workload: 0 before the first migration Job, 1 the migration Jobs, 2 the rest.
  const part = (i: number): number => (first < 0 || i < first ? 0 : migration[i] ? 1 : 2);
  const index = new Map<IConstruct, number>();
  const level: number[] = docs.map(() => 0);
  docs.forEach((_d, i) => {
    const source = sources[i];
    if (!workload[i] || source === undefined) return;
    let l = 0;
    // cdk8s has made every ApiObject depend on each ApiObject of the constructs its constructs depend on.
    for (const d of source.node.dependencies) {
      const j = index.get(d);
      if (j !== undefined && part(j) === part(i)) l = Math.max(l, level[j] + 1);
    }
    level[i] = l;
    index.set(source, i);
  });
  const top = [0, 0, 0];
  docs.forEach((_d, i) => { if (workload[i]) top[part(i)] = Math.max(top[part(i)], level[i] + 1); });
  // Slots: 0 what workloads need, then each part's levels, then the rest; unused slots are skipped.
  const slot = docs.map((_d, i) => {
    if (isLast[i]) return LAST;
    if (!workload[i]) return applyRank(kind(i)) <= applyRank('Service') ? 0 : 1 + top[0] + top[1] + top[2];
    const p = part(i);
    return 1 + (p > 0 ? top[0] : 0) + (p > 1 ? top[1] : 0) + level[i];
  });
  const used = [...new Set(slot.filter((s) => s !== LAST))].sort((a, b) => a - b);
  const wave = new Map(used.map((s, w) => [s, w]));
  return slot.map((s) => (s === LAST ? LAST : wave.get(s)!));
}

function closestChart(c: IConstruct): Chart | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (Chart.isChart(x)) return x;
  return undefined;
}
