import * as fs from 'fs';
import * as path from 'path';
import { App as Cdk8sApp, AppProps as Cdk8sAppProps, Chart, Names } from 'cdk8s';
import { checkDuplicates, publish, RenderedFile, renderFiles } from './output';

/** Props of a timonel app. */
export interface AppProps extends Omit<Cdk8sAppProps, 'yamlOutputType'> {
  /**
   * Where the YAML goes. Replaced as a whole, atomically, on every successful synth.
   * @default - $TIMONEL_OUTDIR, else 'dist'
   */
  readonly outdir?: string;
}

/**
 * A cdk8s App that writes one YAML file per chart in apply order plus a
 * `kustomization.yaml`, fails on duplicate objects, and never leaves a half-written `dist/`.
 */
export class App extends Cdk8sApp {
  constructor(props: AppProps = {}) {
    super({
      ...props,
      outdir: props.outdir ?? process.env.TIMONEL_OUTDIR ?? 'dist',
      outputFileExtension: props.outputFileExtension ?? '.k8s.yaml',
    });
  }

  /** Renders every chart (in dependency order) to its file name and documents; writes nothing. */
  public render(): RenderedFile[] {
    const charts = this.charts;
    const indexed = charts.some((c) => c.node.dependencies.length > 0);
    const files = charts.map((chart, i) => ({
      fileName: chartFileName(chart, indexed ? i : undefined, this.outputFileExtension),
      docs: chart.toJson(),
    }));
    checkDuplicates(files);
    return files;
  }

  /** Synthesizes all charts into `outdir`; on any error nothing is written. */
  public synth(): void {
    const contents = renderFiles(this.render());
    publish(this.outdir, contents);
    // Under `cdk8s synth` the CLI reads (and may validate) its own output folder.
    const cliOut = process.env.CDK8S_OUTDIR;
    if (cliOut && path.resolve(cliOut) !== path.resolve(this.outdir)) {
      fs.mkdirSync(cliOut, { recursive: true });
      for (const [name, text] of contents) fs.writeFileSync(path.join(cliOut, name), text, 'utf8');
    }
  }
}

function chartFileName(chart: Chart, index: number | undefined, ext: string): string {
  const base = Names.toDnsLabel(chart);
  return index === undefined ? `${base}${ext}` : `${index.toString().padStart(4, '0')}-${base}${ext}`;
}
