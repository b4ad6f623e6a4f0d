import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { WebApp } from '../../src/constructs/web-app';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { buildPlatform } from '../../src/main';
import { Policy } from '../../src/policies/policy';

// The restricted profile must stay aligned with what timonel's constructs emit by default.
describe('the restricted profile and timonel constructs', () => {
  test('a WebApp with its defaults (replicas 2, PDB, spread, probes, restricted security) and isolate has no findings', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
    new WebApp(chart, 'web', { image: 'nginx:1.27.2', isolate: true, ingress: { host: 'shop.example.com' }, autoscaling: {} });
    Testing.synth(chart);
    const report = Policy.lastReport(chart)!;
    expect([...report.errors, ...report.warnings].map((f) => f.message)).toEqual([]);
  });

  test('the example platform synthesizes with zero policy errors', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-platform-'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App({ outdir });
      buildPlatform(app);
      expect(() => app.render()).not.toThrow();
      const warnings = stderr.mock.calls.map((c) => String(c[0]));
      expect(warnings.every((w) => w.startsWith('warning: '))).toBe(true);
    } finally {
      stderr.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
