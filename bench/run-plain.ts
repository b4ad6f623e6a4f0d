// Benchmark child (b): the same construct tree in a plain cdk8s App, plain `App.synth()`.
import { App } from 'cdk8s';
import { childArgs, now, report } from './measure';
import { buildBenchPlatform } from './platform';

const args = childArgs();
const loadedMs = now();
// cdk8s's defaults are timonel's: one file per chart, '.k8s.yaml'.
const app = new App({ outdir: args.outdir });
buildBenchPlatform(app, args.n);
const built = now();
app.synth();
report(args.resultFile, { loadedMs, buildMs: built - loadedMs, synthMs: now() - built });
