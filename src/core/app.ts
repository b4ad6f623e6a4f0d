import * as path from 'path';
import { App as Cdk8sApp, AppProps as Cdk8sAppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { enforcePolicies, Finding, PolicySubject } from '../policies';
import { CONSTRUCT_METADATA_FILE, constructMetadata, recordsConstructMetadata } from './cdk8s-internals';
import { checkDuplicates, KUSTOMIZATION_FILE, mirror, mirrorFiles, publish, RenderedFile, renderEntries } from './output';
import { AppSynthesis, synthesizeApp, synthesizePlain } from './synth';
import { withMainThreadFirst } from './thread-priority';

/** From this many chart files on, `synth()` writes them on a worker thread (see `file-writer.ts`). */
export const BACKGROUND_WRITE_MIN_FILES = 64;

/** From this many charts on, `synth()` puts the main thread first (see `mainThreadFirst`). */
export const MAIN_THREAD_FIRST_MIN_CHARTS = 64;

/** Props of a timonel app. */
export interface AppProps extends Omit<Cdk8sAppProps, 'yamlOutputType'> {
  /**
   * Where the YAML goes. Replaced as a whole, atomically, on every successful synth.
   * @default - $TIMONEL_OUTDIR, else 'dist'
   */
  readonly outdir?: string;

  /**
   * On Linux, while `synth()` of an app with 64 top-level charts or more runs, the process's
   * other threads (V8's compiler and garbage-collector helpers, worker threads) run at a lower
   * priority (nice 10), so that they use the cores synthesis leaves idle instead of preempting
   * it. They get their priority back afterwards where the system allows raising it again (root
   * with CAP_SYS_NICE, or RLIMIT_NICE); otherwise they keep the lower one until the process ends.
   * @default true
   */
  readonly mainThreadFirst?: boolean;
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

  private readonly mainThreadFirst: boolean;

  constructor(props: AppProps = {}) {
    super({
      ...props,
      outdir: props.outdir ?? process.env.TIMONEL_OUTDIR ?? 'dist',
      outputFileExtension: props.outputFileExtension ?? '.k8s.yaml',
    });
    this.recordsConstructMetadata = recordsConstructMetadata(props.recordConstructMetadata);
    this.mainThreadFirst = props.mainThreadFirst ?? true;
  }

  /**
   * Renders every chart (in dependency order) to its file name and documents, runs the policies
   * over every object once (printing their warnings to stderr) and rejects duplicate objects.
   * Writes nothing.
   */
  public render(): RenderedFile[] {
    return this.renderChecked().charts.map(({ fileName, docs }) => ({ fileName, docs }));
  }

  /**
   * The files of `render()` through plain cdk8s semantics (`chart.toJson()` per chart, quadratic
   * in the number of charts), without policies or duplicate checks. For equivalence tests.
   */
  public renderPlain(): RenderedFile[] {
    return synthesizePlain(this);
  }

  /**
   * Synthesizes all charts into `outdir`, replacing it atomically; on any error nothing is
   * written. Under `cdk8s synth` the files are mirrored into the CLI's folder ($CDK8S_OUTDIR).
   */
  public synth(): void {
    // Counted cheaply (top-level charts) before the work it is meant for.
    const large = this.mainThreadFirst && this.node.children.filter((c) => Chart.isChart(c)).length >= MAIN_THREAD_FIRST_MIN_CHARTS;
    if (large) withMainThreadFirst(() => this.synthAndPublish());
    else this.synthAndPublish();
  }

  private synthAndPublish(): void {
    const synthesis = synthesizeApp(this);
    const cliOut = process.env.CDK8S_OUTDIR;
    const cliDir = cliOut && path.resolve(cliOut) !== path.resolve(this.outdir) ? cliOut : undefined;
    const metadata = this.recordsConstructMetadata
      ? constructMetadata(synthesis.charts.flatMap((c) => c.apiObjects))
      : undefined;
    const written: string[] = [];
    function* contents(): Generator<[string, string]> {
      // Each file's YAML is rendered when it is written (or queued for the background writer).
      for (const entry of renderEntries(synthesis.charts)) {
        written.push(entry[0]);
        yield entry;
      }
      // cdk8s writes the metadata where the CLI reads manifests: the CLI's folder, else outdir.
      if (metadata !== undefined && !cliDir) yield [CONSTRUCT_METADATA_FILE, metadata];
      // The checks run last, while a background writer is still writing: if they throw, publish
      // removes its staging folder and outdir stays as it was.
      check(synthesis);
    }
    // A worker thread pays off from a few dozen files (it costs tens of milliseconds to start).
    publish(this.outdir, contents(), { background: synthesis.charts.length >= BACKGROUND_WRITE_MIN_FILES });
    if (cliDir) {
      // The CLI reads every *.yaml there as a manifest, so the kustomization stays in outdir only.
      mirrorFiles(this.outdir, cliDir, written.filter((name) => name !== KUSTOMIZATION_FILE));
      if (metadata !== undefined) mirror(cliDir, new Map([[CONSTRUCT_METADATA_FILE, metadata]]));
    }
  }

  private renderChecked(): AppSynthesis {
    const synthesis = synthesizeApp(this);
    check(synthesis);
    return synthesis;
  }
}

/**
 * Runs the policies once over every object of the app (printing their warnings to stderr) and
 * rejects duplicate objects; throws on errors.
 */
function check(synthesis: AppSynthesis): void {
  const subjects: PolicySubject[] = [];
  for (const c of synthesis.charts) {
    c.docs.forEach((manifest, i) => subjects.push(new ChartSubject(manifest, c.sources[i], c.fileName, c.chart)));
  }
  // Once for the whole app: rules may compare objects across charts.
  const warnings = enforcePolicies(subjects);
  for (const w of warnings) process.stderr.write(`${formatWarning(w)}\n`);
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
function formatWarning(w: Finding): string {
  return `warning: ${w.message.replace(/\s*\n\s*/g, ' ')} (${w.ruleId})`;
}
