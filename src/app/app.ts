import * as path from 'path';
import { ApiObject, App as Cdk8sApp, AppProps as Cdk8sAppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { enforcePolicies, Finding, PolicySubject } from '../policies';
import { CONSTRUCT_METADATA_FILE, constructMetadata, recordsConstructMetadata } from '../synth/cdk8s-internals';
import { mirror, mirrorFiles, publish } from './publish';
import { changesSincePrevious, OutputObject } from './immutable';
import { AppSynthesis, PostProcess, RenderedFile, synthesizeApp } from '../synth/synth';
import { stringifyDocs } from '../synth/yaml';
import { checkPodSecurity, checkSharedNamespaces, TimonelChart } from './chart';
import { checkDuplicates } from './duplicates';
import { checkPodsRendered } from '../workload/workload';
import { Migration } from '../constructs/migration';
import { ApplySetOptions, resolveApplySet, withApplySetLabel } from './applyset';
import {
  ARGOCD_HOOK, ARGOCD_HOOK_DELETE_POLICY, ARGOCD_SYNC_WAVE, chartDependencies, checkChartNamespaces, DeliveryStage, DeliveryTool, jobsDeadline, stageName, startupBudget, syncWaves,
  withNamespaceDependencies, withSyncWaves,
} from './delivery';
import { KUSTOMIZATION_FILE, kustomization, renderEntries } from './kustomization';
import { AwaitedTest, awaitedObjects, orderForApply, runsLast } from './order';
import { APP_PROPS, OUTDIR } from './specs';
import { checkProps, checkValue } from '../core/validation';
import { iterateInCallScope, withCallScope } from '../core/call-scope';
import { appCreated, appSynthesized } from '../core/app-watch';
import { fail } from '../core/errors';
import { contains, dependencyOrigin } from '../core/dependencies';
import { isSecretSource } from '../core/secret-source';
import { setAppContext } from '../core/chart-context';
import { DEFAULTS } from '../core/defaults';
import type { TrafficDefaults } from '../core/traffic';

/** Props of a timonel app. */
export interface AppProps extends Omit<Cdk8sAppProps, 'yamlOutputType'> {
  /**
   * Where the YAML goes. Replaced as a whole, atomically, on every successful synth; a folder
   * holding files timonel did not write (see its `.timonel` marker) is refused, not replaced.
   * @default - $TIMONEL_OUTDIR, else 'dist' (DEFAULTS.app.outdir); an empty TIMONEL_OUTDIR counts as unset
   */
  readonly outdir?: string;
  /**
   * How the output is delivered, which decides how the apply order is written down: 'kubectl'
   * (file and document order), 'argocd' (an `argocd.argoproj.io/sync-wave` annotation on every
   * object) or 'flux' (one folder per chart, for one Flux Kustomization each, with `dependsOn`).
   * @default 'kubectl' (DEFAULTS.app.delivery)
   */
  readonly delivery?: DeliveryTool;
  /**
   * Labels every object as a member of this ApplySet (KEP-3659), so that
   * `kubectl apply --prune --applyset=<name>` deletes the objects of removed constructs.
   * @default - no ApplySet labels
   * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#alternative-kubectl-apply-f-directory-prune
   */
  readonly applySet?: ApplySetOptions;
  /**
   * Whose pods an app's own exposure admits once it is isolated, for every chart: the ingress
   * controller of Ingresses, the Gateway of routes (`gateway`), and Prometheus for `metrics`; and
   * the cluster's ranges that `EgressTarget.internet` excludes (`clusterCidrs`); the API server
   * that workloads with permissions and restricted egress reach (`apiServer`). A chart's
   * `traffic` and an app's own `ingress.controller`, `route.controller` or `metrics.scraper` win.
   * @default - DEFAULTS.traffic: ingress-nginx's controller (Ingresses), prometheus-operator's
   *   Prometheus; no Gateway (an isolated app with a route must be told its Gateway's pods); no
   *   clusterCidrs; no apiServer (a workload with permissions and restricted egress is an error)
   */
  readonly traffic?: TrafficDefaults;
  /**
   * The app's name in its policy warnings (`warning: prod: [shop/web] …`), so that the warnings of
   * several apps in one run tell which app they are about. `Environments` sets the environment's name.
   * @default - none
   */
  readonly name?: string;
}

/**
 * The output folder of `where` (App, Environments): its `outdir`, else $TIMONEL_OUTDIR, else DEFAULTS.app.outdir.
 * An empty TIMONEL_OUTDIR counts as unset, as CI sets a variable nobody defined; any other value
 * is checked as the prop is, under its own name.
 * @internal
 */
export function outdirOf(outdir: string | undefined, where: string): string {
  if (outdir !== undefined) return outdir;
  const fromEnv = process.env.TIMONEL_OUTDIR || undefined;
  return fromEnv === undefined ? DEFAULTS.app.outdir : checkValue(OUTDIR, fromEnv, where, 'TIMONEL_OUTDIR');
}

/**
 * A cdk8s App that writes one YAML file per chart in apply order plus a
 * `kustomization.yaml`, fails on duplicate objects, and never leaves a half-written `dist/`.
 * Synthesis takes time linear in the number of charts (plain cdk8s is quadratic).
 */
export class App extends Cdk8sApp {
  /**
   * Whether `synth()` writes cdk8s's `construct-metadata.json` (object name to construct path)
   * for cdk8s-cli validation plugins: into $CDK8S_OUTDIR under the CLI, else into `outdir`.
   */
  public readonly recordsConstructMetadata: boolean;
  /** How the output is delivered (see `AppProps.delivery`). */
  public readonly delivery: DeliveryTool;
  /** The ApplySet id every object is labelled with (`applyset.kubernetes.io/part-of`), if any. */
  public readonly applySetId?: string;
  /** The app-wide traffic defaults (see `AppProps.traffic`). */
  public readonly traffic: TrafficDefaults;
  /** The app's name in its warnings (see `AppProps.name`). */
  public readonly name?: string;

  constructor(props: AppProps = {}) {
    super({
      ...checkProps(APP_PROPS, props, 'App'),
      outdir: outdirOf(props.outdir, 'App'),
      outputFileExtension: props.outputFileExtension ?? DEFAULTS.app.outputFileExtension,
    });
    this.recordsConstructMetadata = recordsConstructMetadata(props.recordConstructMetadata);
    this.delivery = props.delivery ?? DEFAULTS.app.delivery;
    this.applySetId = props.applySet === undefined ? undefined : resolveApplySet(this, props.applySet);
    this.traffic = props.traffic ?? {};
    this.name = props.name;
    setAppContext(this, { traffic: this.traffic, delivery: this.delivery });
    appCreated();
  }

  /**
   * Renders every chart (in dependency order) to its file name and documents, runs the policies
   * over every object once (printing their warnings to stderr; not with `policies: false`) and
   * rejects duplicate objects.
   * Writes nothing.
   */
  public render(options: RenderOptions = {}): RenderedFile[] {
    return this._renderCharts(options).map(({ fileName, docs }) => ({ fileName, docs }));
  }

  /** `render()`, each file with the chart it comes from (for timonel/testing). @internal */
  public _renderCharts(options: RenderOptions = {}): Array<RenderedFile & { readonly chart: Chart; readonly sources: readonly (IConstruct | undefined)[] }> {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      fail({ path: 'App.render', prop: 'options', message: 'must be an object { policies? }', value: options, allowed: 'an object { policies? }, or nothing', fix: 'call render() or render({ policies: false })' });
    }
    return withCallScope(() => {
      const synthesis = this.renderChecked(options.policies ?? true);
      return this.delivered(synthesis).map((file, i) => ({ ...file, chart: synthesis.charts[i].chart, sources: synthesis.charts[i].sources }));
    });
  }

  /**
   * Synthesizes all charts into `outdir`, replacing it atomically; on any error nothing is
   * written. Under `cdk8s synth` the files are mirrored into the CLI's folder ($CDK8S_OUTDIR).
   */
  public synth(): void {
    appSynthesized();
    withCallScope(() => this.synthInScope());
  }

  private synthInScope(): void {
    const output = this.output();
    const cliDir = cliFolder(this.outdir);
    // cdk8s writes the metadata where the CLI reads manifests: the CLI's folder, else outdir.
    const metadata = output.metadata === undefined ? undefined : JSON.stringify(output.metadata);
    // Read before the publish replaces the previous output; said once the new one is written.
    const changes = changesSincePrevious(this.outdir, outputObjects(output));
    publish(this.outdir, cliDir || metadata === undefined ? output.files : withFile(output.files, CONSTRUCT_METADATA_FILE, metadata));
    printWarnings(changes, this.name);
    if (cliDir) {
      mirrorFiles(this.outdir, cliDir, output.manifests);
      if (metadata !== undefined) mirror(cliDir, new Map([[CONSTRUCT_METADATA_FILE, metadata]]));
    }
  }

  /**
   * What `synth()` writes into `outdir`, checked as `render()` is (throws on any error); each
   * file is rendered only when it is iterated. Writes nothing.
   */
  public output(): AppOutput {
    return withCallScope(() => this.outputInScope());
  }

  private outputInScope(): AppOutput {
    const synthesis = this.renderChecked();
    const files = this.delivered(synthesis);
    const ext = this.outputFileExtension;
    const deps = this.delivery === 'flux' ? withNamespaceDependencies(synthesis.charts, chartDependencies(synthesis.charts.map((c) => c.chart))) : [];
    let parts: Part[] = [];
    files.forEach((f, i) => {
      const base = f.fileName.slice(0, -ext.length);
      const name = stageName(f.fileName, ext);
      const chartDeps = (deps[i] ?? []).map((j) => stageName(files[j].fileName, ext));
      // Flux: the Jobs nothing depends on are a stage of their own after the chart's, which nothing
      // depends on, so that waiting for them (wait: true) holds back neither the chart nor its dependants.
      let docs = f.docs;
      let sources = synthesis.charts[i].sources;
      let jobs: any[] = [];
      if (this.delivery === 'flux') {
        const isJob = docs.map((d, j) => d?.kind === 'Job' && runsLast('Job', sources[j], synthesis.awaited));
        jobs = docs.filter((_d, j) => isJob[j]);
        docs = docs.filter((_d, j) => !isJob[j]);
        sources = sources.filter((_s, j) => !isJob[j]);
      }
      const jobsPart = (): void => {
        if (jobs.length) parts.push({ fileName: `${base}-jobs${ext}`, docs: jobs, name: `${name}-jobs`, dependsOn: [name] });
      };
      // Migrations are an earlier stage of their own (kubectl, Flux); Argo CD orders them by wave or hook.
      const split = this.delivery === 'argocd' ? undefined : splitAtMigrations(docs, sources);
      if (!split) {
        parts.push({ fileName: f.fileName, docs, name, dependsOn: chartDeps });
        jobsPart();
        return;
      }
      let last = chartDeps;
      if (split.before.length) {
        parts.push({ fileName: `${base}-prerequisites${ext}`, docs: split.before, name: `${name}-prerequisites`, dependsOn: chartDeps });
        last = [`${name}-prerequisites`];
      }
      // A migration that must run before another (`before: [m1]`) is a stage of its own.
      split.migrations.forEach((docs, level) => {
        const stage = level === 0 ? `${name}-migrations` : `${name}-migrations-${level + 1}`;
        const file = level === 0 ? `${base}-migrations${ext}` : `${base}-migrations-${level + 1}${ext}`;
        parts.push({ fileName: file, docs, name: stage, dependsOn: last });
        last = [stage];
      });
      parts.push({ fileName: f.fileName, docs: split.rest, name, dependsOn: last });
      jobsPart();
    });
    parts = withoutEmptyParts(parts);
    // Flux applies folders: one per part, each with its kustomization; the top one lists them.
    const folder = (p: Part): string => (this.delivery === 'flux' ? p.fileName.slice(0, -ext.length) : '');
    const output: AppOutput = {
      files: {
        // Rendered as iterated: an iteration in a call (synth()) shares its memos, else has its own.
        [Symbol.iterator]: () => iterateInCallScope(this.delivery === 'flux' ? fluxEntries(parts, folder) : renderEntries(parts)),
      },
      manifests: parts.map((p) => (folder(p) ? `${folder(p)}/${p.fileName}` : p.fileName)),
      stages: parts.map((p) => ({ name: p.name, folder: folder(p), dependsOn: p.dependsOn, fileName: p.fileName, activeDeadlineSeconds: jobsDeadline(p.docs), startupSeconds: startupBudget(p.docs) })),
      metadata: this.recordsConstructMetadata
        ? JSON.parse(constructMetadata(synthesis.charts.flatMap((c) => c.apiObjects)))
        : undefined,
    };
    OUTPUT_OBJECTS.set(output, () => files.flatMap((f, i) => f.docs.map((manifest, j) => ({ manifest, source: synthesis.charts[i].sources[j] }))));
    return output;
  }

  /** The files as delivered: ApplySet labels; sync waves (and PreSync hooks) for Argo CD. */
  private delivered(synthesis: CheckedSynthesis): RenderedFile[] {
    const waves = this.delivery === 'argocd' ? syncWaves(synthesis.charts, synthesis.awaited) : undefined;
    const hooks = waves ? preSyncHooks(synthesis.charts, waves) : undefined;
    return synthesis.charts.map(({ fileName, docs, sources }, i) => {
      let out = docs;
      if (this.applySetId !== undefined) out = withApplySetLabel(out, this.applySetId);
      if (waves) out = withPreSyncHooks(withSyncWaves(out, waves[i]), sources, hooks!);
      return { fileName, docs: out };
    });
  }

  /**
   * What `output()` checks (validation, rendering, policies, duplicates, delivery), printing nothing:
   * the policies' warnings and the notice of an unverified cdk8s are dropped. For `validateProps`,
   * whose scratch App reports its errors only; its scratch chart stands for the user's, so a chart
   * without a namespace under Argo CD or Flux is not one of them (the real app's synth checks it). @internal
   */
  public _checkQuietly(): void {
    withCallScope(() => this.delivered(this.renderChecked(true, true, false)));
  }

  /** Synthesizes (validate → order → render), drops empty charts, then runs the policies and the duplicate check. */
  private renderChecked(policies = true, quiet = false, namespaces = true): CheckedSynthesis {
    // What something depends on, found once for the app when a Job or CronJob first asks.
    let found: AwaitedTest | undefined;
    const awaited: AwaitedTest = (source) => (found ??= awaitedObjects(this))(source);
    const all = synthesizeApp(this, { postProcess: (chart) => chartPostProcess(chart, awaited), notice: quiet ? () => undefined : undefined });
    // An empty chart writes no file (and is not listed in the kustomization).
    const synthesis: CheckedSynthesis = { ...all, charts: all.charts.filter((c) => c.docs.length > 0), awaited };
    if (namespaces) checkChartNamespaces(synthesis.charts, this.delivery);
    check(synthesis, quiet ? undefined : (w) => process.stderr.write(`${formatWarning(w, this.name)}\n`), policies);
    return synthesis;
  }
}

/** Options of `App.render`. */
export interface RenderOptions {
  /**
   * Run the policies over every object (warnings to stderr, errors thrown). `false` renders the
   * files as delivered without them, to assert on what a failing app emits; duplicate objects are
   * still rejected.
   * @default true
   */
  readonly policies?: boolean;
}

/** What `App.synth()` writes, each file rendered only when it is asked for. */
export interface AppOutput {
  /** Every file of the output folder (file name, text): the chart files, then the kustomization. */
  readonly files: Iterable<[string, string]>;
  /** The chart files: the manifests a cdk8s-cli validation plugin reads (not the kustomization). */
  readonly manifests: readonly string[];
  /** The parsed `construct-metadata.json`, when the app records it. */
  readonly metadata?: ConstructMetadata;
  /** The parts applied as one unit, in order: the whole folder, or one folder per chart (Flux). */
  readonly stages: readonly DeliveryStage[];
}

/** cdk8s's `construct-metadata.json`: object name to construct path. */
export interface ConstructMetadata {
  readonly version: string;
  readonly resources: { readonly [name: string]: { readonly path: string } };
}

/** Each output's objects as delivered, with their constructs (for the comparison with the previous output). */
const OUTPUT_OBJECTS = new WeakMap<AppOutput, () => OutputObject[]>();

/** The objects of an `output()`, as written, each with the construct it comes from. @internal */
export function outputObjects(output: AppOutput): OutputObject[] {
  return OUTPUT_OBJECTS.get(output)?.() ?? [];
}

/** Prints warnings to stderr as the policies' are printed, one line each. @internal */
export function printWarnings(warnings: readonly Finding[], app: string | undefined): void {
  for (const w of warnings) process.stderr.write(`${formatWarning(w, app)}\n`);
}

/** The cdk8s CLI's output folder ($CDK8S_OUTDIR) when it is not `outdir` itself. */
export function cliFolder(outdir: string): string | undefined {
  const cliOut = process.env.CDK8S_OUTDIR;
  return cliOut && path.resolve(cliOut) !== path.resolve(outdir) ? cliOut : undefined;
}

/** Flux layout: each chart file in its own folder with a kustomization; the top one lists the folders. */
function* fluxEntries(parts: readonly Part[], folder: (p: Part) => string): Generator<[string, string]> {
  for (const p of parts) {
    yield [`${folder(p)}/${p.fileName}`, stringifyDocs(p.docs)];
    yield [`${folder(p)}/${KUSTOMIZATION_FILE}`, kustomization([p])];
  }
  yield [KUSTOMIZATION_FILE, kustomization(parts.map((p) => ({ fileName: folder(p), docs: [] })))];
}

/** A synthesis whose charts have been checked, with what its objects depend on. */
interface CheckedSynthesis extends AppSynthesis {
  readonly awaited: AwaitedTest;
}

/** One file of the output and the stage it is applied in. */
interface Part extends RenderedFile {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * The parts with objects: a part left empty (a chart whose objects all went to its prerequisites and
 * migrations, or to its `-jobs` stage) writes no file, folder or Kustomization, as an empty chart
 * writes none; what depended on it depends on what it depended on, so the order holds.
 */
function withoutEmptyParts(parts: readonly Part[]): Part[] {
  const empty = new Map(parts.filter((p) => p.docs.length === 0).map((p) => [p.name, p]));
  if (empty.size === 0) return [...parts];
  const resolved = new Map<string, readonly string[]>();
  const through = (names: readonly string[]): string[] => [...new Set(names.flatMap((n) => {
    const p = empty.get(n);
    if (p === undefined) return [n];
    if (!resolved.has(n)) resolved.set(n, through(p.dependsOn));
    return resolved.get(n)!;
  }))];
  return parts.filter((p) => p.docs.length > 0).map((p) => ({ ...p, dependsOn: through(p.dependsOn) }));
}

/**
 * A chart's documents split around its migration Jobs, or undefined when it has none. The Jobs
 * come in levels: a Job that depends on another migration's Job is a level after it.
 */
function splitAtMigrations(docs: readonly any[], sources: readonly (IConstruct | undefined)[]): { before: any[]; migrations: any[][]; rest: any[] } | undefined {
  const isJob = docs.map((d, i) => d?.kind === 'Job' && Migration.isMigration(sources[i]));
  const first = isJob.indexOf(true);
  if (first < 0) return undefined;
  // Documents are in apply order, so the Jobs a Job depends on have their level already.
  const levelOf = new Map<IConstruct, number>();
  const migrations: any[][] = [];
  docs.forEach((doc, i) => {
    if (!isJob[i]) return;
    const source = sources[i]!;
    const level = Math.max(-1, ...source.node.dependencies.map((d) => levelOf.get(d) ?? -1)) + 1;
    levelOf.set(source, level);
    (migrations[level] ??= []).push(doc);
  });
  return {
    before: docs.slice(0, first),
    migrations,
    rest: docs.filter((_, i) => i > first && !isJob[i]),
  };
}

/**
 * Argo CD: the objects of each 'pre-sync' migration that become PreSync hooks, with their hook
 * wave. PreSync hooks run before anything else of the Application, so the Job's ServiceAccount,
 * config, RBAC and NetworkPolicies (its own and its targets' `<target>-from-<migration>`) must be
 * hooks too, or the Job could not start (no ServiceAccount) or reach its database on a first
 * install; they come one wave before the Job.
 */
function preSyncHooks(charts: readonly { readonly docs: readonly any[]; readonly sources: readonly (IConstruct | undefined)[] }[], waves: readonly number[][]): Map<IConstruct, number> {
  const hooks = new Map<IConstruct, number>();
  charts.forEach(({ docs, sources }, c) => docs.forEach((doc, i) => {
    const source = sources[i];
    if (doc?.kind !== 'Job' || !source || !Migration.isMigration(source)) return;
    const migration = migrationOf(source);
    if (migration?.argocd !== 'pre-sync' || source !== migration.job) return;
    checkPreSync(migration);
    const wave = waves[c][i];
    hooks.set(source, wave);
    for (const o of migration.jobPrerequisites()) hooks.set(o, wave - 1);
  }));
  return hooks;
}

/**
 * A 'pre-sync' Migration must need nothing of its own app: the app is one Argo CD Application, and a
 * PreSync hook runs before every object of it, so on a first install the Job would start before its
 * database exists, fail, and the sync would never create the database.
 */
function checkPreSync(migration: Migration): void {
  for (const x of migration.node.findAll()) {
    for (const d of x.node.dependencies) {
      // Charts' and cdk8s's object-to-object dependencies follow from the declared ones below.
      if (Chart.isChart(d) || contains(migration, d) || (ApiObject.isApiObject(x) && ApiObject.isApiObject(d))) continue;
      const how = dependencyOrigin({ source: x, target: d })?.prop ?? 'node.addDependency';
      const target = d.node.path;
      fail({
        scope: migration, prop: 'argocd',
        message: `is 'pre-sync', but the Migration needs '${target}' (${how}), which this app delivers in the same Argo CD Application: `
          + `a PreSync hook runs before everything else of the Application, so on a first install the Job starts before '${target}' exists, fails, and the sync never creates it`,
        value: 'pre-sync',
        allowed: "'sync-wave'; 'pre-sync' only for a Migration whose database is delivered elsewhere (another Application, a managed database), with nothing of this app in its connectTo or node.addDependency",
        fix: isSecretSource(d)
          // A Secret it reads: the hook needs it before the sync, so it comes from outside this Application.
          ? `keep the Secret '${d.secretName}' outside this Application: read it by name (EnvValue.fromSecret('${d.secretName}', '…')) and create it before the sync `
            + `(by hand, a secrets operator or another Application); or remove argocd: 'pre-sync': the default 'sync-wave' runs the Job after '${target}' is applied and before the workloads in before`
          : `remove argocd: 'pre-sync': the default 'sync-wave' runs the Job after '${target}' is healthy and before the workloads in before`,
      });
    }
  }
}

/** Argo CD: PreSync hooks, each deleted before a hook of the same name is created (a Job named by its spec's hash is kept: one per release). */
function withPreSyncHooks(docs: any[], sources: readonly (IConstruct | undefined)[], hooks: ReadonlyMap<IConstruct, number>): any[] {
  return docs.map((doc, i) => {
    const wave = sources[i] === undefined ? undefined : hooks.get(sources[i]!);
    if (wave === undefined) return doc;
    const annotations = {
      ...doc.metadata.annotations, [ARGOCD_SYNC_WAVE]: String(wave), [ARGOCD_HOOK]: 'PreSync', [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation',
    };
    return { ...doc, metadata: { ...doc.metadata, annotations } };
  });
}

function migrationOf(c: IConstruct): Migration | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (x instanceof Migration) return x;
  return undefined;
}

function* withFile(files: Iterable<[string, string]>, name: string, text: string): Generator<[string, string]> {
  yield* files;
  yield [name, text];
}

// TimonelChart.toJson() is orderForApply(super.toJson()) plus a per-chart policy run, which the
// app replaces by one run over all charts; other overriding charts are rendered by their toJson().
function chartPostProcess(chart: Chart, awaited: AwaitedTest): PostProcess | undefined {
  return chart.toJson === TimonelChart.prototype.toJson ? (items) => orderForApply(items, (x: any) => x.source, awaited) : undefined;
}

/**
 * Runs the policies once over every object of the app (giving their warnings to `warn`, when
 * given) and rejects duplicate objects; throws on errors.
 */
function check(synthesis: AppSynthesis, warn: ((w: Finding) => void) | undefined, policies: boolean): void {
  // Not a policy: what a construct of your own was given for its pods and never rendered.
  for (const c of synthesis.charts) checkPodsRendered(c.chart);
  if (policies) {
    const subjects: PolicySubject[] = [];
    for (const c of synthesis.charts) {
      checkPodSecurity(c.chart, c.docs);
      c.docs.forEach((manifest, i) => subjects.push(new ChartSubject(manifest, c.sources[i], c.fileName, c.chart)));
    }
    checkSharedNamespaces(synthesis.charts);
    // Once for the whole app: rules may compare objects across charts.
    const warnings = enforcePolicies(subjects);
    if (warn) warnings.forEach(warn);
  }
  checkDuplicates(synthesis.charts);
}

/** A synthesized object as the policies see it; its construct path is built only for a finding. */
class ChartSubject implements PolicySubject {
  constructor(
    public readonly manifest: any,
    private readonly source: IConstruct | undefined,
    public readonly file: string,
    public readonly scope: IConstruct,
  ) {}

  public get constructPath(): string | undefined {
    return this.source?.node.path;
  }
}

// One line per warning, whatever the rule wrote.
function formatWarning(w: Finding, app: string | undefined): string {
  return `warning: ${app === undefined ? '' : `${app}: `}${w.message.replace(/\s*\n\s*/g, ' ')} (${w.ruleId})`;
}
