// Benchmark child (c), the floor: the exact documents timonel writes, loaded from JSON, serialized
// with the same YAML library (cdk8s `Yaml.stringify`, which uses `yaml`), one file per chart.
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { childArgs, now, report } from './measure';

interface JsonFile {
  readonly fileName: string;
  readonly docs: any[];
}

const args = childArgs();
const loadedMs = now();
const files: JsonFile[] = JSON.parse(fs.readFileSync(args.jsonFile!, 'utf8'));
const built = now();
fs.mkdirSync(args.outdir, { recursive: true });
for (const f of files) fs.writeFileSync(path.join(args.outdir, f.fileName), Yaml.stringify(...f.docs), 'utf8');
report(args.resultFile, { loadedMs, buildMs: built - loadedMs, synthMs: now() - built });
