// Benchmark child (d), the floor with timonel's serializer: as run-floor.ts, but each file written
// with `stringifyDocs` (same bytes as cdk8s `Yaml.stringify`; see src/core/yaml.ts).
import * as fs from 'fs';
import * as path from 'path';
import { stringifyDocs } from '../src/core/yaml';
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
for (const f of files) fs.writeFileSync(path.join(args.outdir, f.fileName), stringifyDocs(f.docs), 'utf8');
report(args.resultFile, { loadedMs, buildMs: built - loadedMs, synthMs: now() - built });
