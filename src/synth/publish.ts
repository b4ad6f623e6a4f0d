import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes `contents` (file name, text) as the whole of `outdir`, atomically: everything is written
 * to a sibling temporary folder first and swapped in by rename, so a failure (also one thrown
 * while `contents` produces an entry) leaves the previous folder exactly as it was, and a success
 * leaves no temporary folder behind. Each entry is written before the next one is produced, so the
 * text of a large app is never in memory at once.
 */
export function publish(outdir: string, contents: Iterable<readonly [string, string]>): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  // Not mkdtemp: its 0700 mode would become the mode of the published folder.
  const staging = path.join(parent, `${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staging);
  try {
    for (const [name, text] of contents) fs.writeFileSync(path.join(staging, name), text, 'utf8');
    const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hadOld = fs.existsSync(target);
    if (hadOld) fs.renameSync(target, old);
    try {
      fs.renameSync(staging, target);
    } catch (e) {
      if (hadOld) fs.renameSync(old, target);
      throw e;
    }
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    if (fs.existsSync(staging)) fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Copies `contents` into `dir` (created when missing), next to whatever is there. For the cdk8s
 * CLI's output folder, which the CLI empties itself before running the app.
 */
export function mirror(dir: string, contents: ReadonlyMap<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of contents) fs.writeFileSync(path.join(dir, name), text, 'utf8');
}

/** Like `mirror`, with the files `names` copied from the folder `from` (e.g. a published outdir). */
export function mirrorFiles(from: string, dir: string, names: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of names) fs.copyFileSync(path.join(from, name), path.join(dir, name));
}
