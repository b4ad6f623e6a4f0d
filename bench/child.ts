/**
 * One measured process of `npm run bench`: builds the platform of N services and synthesizes it
 * into `outdir`, then writes its own timings, CPU time and peak RSS as JSON to `resultFile`.
 * The parent measures the wall time from outside.
 *
 * Usage: node child.js <timonel|plain|plain-per-chart|evaluate> <n> <outdir> <resultFile>
 *
 * - timonel: a timonel `App`, `App.synth()`;
 * - plain: the same construct tree in a plain cdk8s `App`, plain `App.synth()` (quadratic);
 * - plain-per-chart: each service in its own plain cdk8s `App`, synthesized into the same folder.
 *   Since no chart of the platform depends on another, that writes the files plain `App.synth()`
 *   writes for the whole app, at linear cost: the reference where plain cdk8s takes too long.
 * - evaluate: reads the YAML timonel wrote for N services from `outdir` and builds a
 *   `TrafficEvaluator` over it (`synthMs` is `fromManifests` alone, `buildMs` the reading), then
 *   asks one path per service: what a test of a large platform does.
 */
import * as fs from 'fs';
import { App as Cdk8sApp } from 'cdk8s';
import { App } from '../src/app/app';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { TrafficEvaluator } from '../src/policies';
import { buildBenchPlatform, buildService } from './platform';

/** What a child reports. Times are ms by the child's clock (0 = its process start). */
export interface ChildResult {
  /** Until the modules were loaded (node startup + imports). */
  readonly loadedMs: number;
  /** Building the construct tree. */
  readonly buildMs: number;
  /** `App.synth()`. */
  readonly synthMs: number;
  /** User + system CPU time of the process (all threads, GC included). */
  readonly cpuMs: number;
  /** Peak resident set size (`process.resourceUsage().maxRSS`). */
  readonly maxRssKB: number;
}

export const VARIANTS = ['timonel', 'plain', 'plain-per-chart', 'evaluate'] as const;
export type Variant = typeof VARIANTS[number];

function main(): void {
  const loadedMs = performance.now();
  const [variant, n, outdir, resultFile] = process.argv.slice(2);
  const size = Number(n);
  if (!(VARIANTS as readonly string[]).includes(variant) || !(size > 0) || !outdir || !resultFile) {
    throw new Error('usage: child.js <timonel|plain|plain-per-chart|evaluate> <n> <outdir> <resultFile>');
  }
  let buildMs = 0;
  let synthMs = 0;
  const run = (app: { synth(): void }, build: () => void) => {
    const t0 = performance.now();
    build();
    const t1 = performance.now();
    app.synth();
    buildMs += t1 - t0;
    synthMs += performance.now() - t1;
  };
  if (variant === 'evaluate') {
    const t0 = performance.now();
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS()));
    const t1 = performance.now();
    const evaluator = TrafficEvaluator.fromManifests(manifests);
    for (let i = 0; i < size; i++) evaluator.check({ from: { namespace: 'ingress-nginx', podLabels: {} }, to: { workload: `svc-${i}/svc-${i}-web` }, port: 8080 });
    buildMs = t1 - t0;
    synthMs = performance.now() - t1;
  } else if (variant === 'plain-per-chart') {
    for (let i = 0; i < size; i++) {
      const app = new Cdk8sApp({ outdir });
      run(app, () => buildService(app, i));
    }
  } else {
    // cdk8s's defaults are timonel's: one file per chart, '.k8s.yaml'.
    const app = variant === 'timonel' ? new App({ outdir }) : new Cdk8sApp({ outdir });
    run(app, () => buildBenchPlatform(app, size));
  }
  const ru = process.resourceUsage();
  const result: ChildResult = { loadedMs, buildMs, synthMs, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, maxRssKB: ru.maxRSS };
  fs.writeFileSync(resultFile, JSON.stringify(result));
}

if (require.main === module) main();
