// The floors' shared body: load the exact documents timonel writes (JSON, precomputed, not timed)
// and write one file per chart with the given serializer.
import * as fs from 'fs';
import * as path from 'path';
import { childArgs, now, report } from './measure';

interface JsonFile {
  readonly fileName: string;
  readonly docs: any[];
}

export function runFloor(stringify: (docs: any[]) => string): void {
  const args = childArgs();
  const loadedMs = now();
  const files: JsonFile[] = JSON.parse(fs.readFileSync(args.jsonFile!, 'utf8'));
  const built = now();
  fs.mkdirSync(args.outdir, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(args.outdir, f.fileName), stringify(f.docs), 'utf8');
  report(args.resultFile, { loadedMs, buildMs: built - loadedMs, synthMs: now() - built });
}
