// Benchmark child (a): a timonel App with the bench platform, `App.synth()` into a fresh folder.
import { App } from '../src/core/app';
import { childArgs, now, report } from './measure';
import { buildBenchPlatform } from './platform';

const args = childArgs();
const loadedMs = now();
const app = new App({ outdir: args.outdir });
buildBenchPlatform(app, args.n);
const built = now();
app.synth();
report(args.resultFile, { loadedMs, buildMs: built - loadedMs, synthMs: now() - built });
