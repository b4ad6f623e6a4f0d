// Not measured: renders the bench platform once with timonel and saves the documents of every
// chart file as JSON, the input of the floor.
import * as fs from 'fs';
import { App } from '../src/app/app';
import { childArgs, now, report } from './measure';
import { buildBenchPlatform } from './platform';

const args = childArgs();
const loadedMs = now();
const app = new App({ outdir: args.outdir });
buildBenchPlatform(app, args.n);
const built = now();
const files = app.render().map(({ fileName, docs }) => ({ fileName, docs }));
fs.writeFileSync(args.jsonFile!, JSON.stringify(files));
report(
  args.resultFile,
  { loadedMs, buildMs: built - loadedMs, synthMs: now() - built },
  { objects: files.reduce((sum, f) => sum + f.docs.length, 0), files: files.length },
);
