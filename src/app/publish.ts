import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fail } from '../core/errors';

/** The file timonel leaves in every folder it publishes: its mark of ownership and its file list. */
export const OUTPUT_MARKER = '.timonel';

/** The file in a temporary folder of a publish in progress: the pid and host of the process writing it. */
const STAGING_MARKER = '.timonel-staging';

/** How many foreign files a refusal names. */
const NAMED_IN_REFUSAL = 5;

/**
 * Writes `contents` (file name, text) as the whole of `outdir`, atomically: everything is written
 * to a sibling temporary folder first and swapped in by rename, so a failure (also one thrown
 * while `contents` produces an entry) leaves the previous folder exactly as it was, and a success
 * leaves no temporary folder behind. Each entry is written before the next one is produced, so the
 * text of a large app is never in memory at once. A name may contain '/' (a file in a subfolder,
 * such as one environment's folder); every folder written gets its own marker.
 *
 * Only a folder timonel wrote is replaced: `outdir` may be missing or empty, or hold only files
 * listed in its `.timonel` markers (what previous publishes wrote, in it or in a subfolder) or about
 * to be written again.
 * Any other file or folder in it makes `publish` throw a TimonelError naming it, and nothing is
 * changed. The marker is written with the files.
 *
 * A process killed while writing (Ctrl-C) leaves its temporary folder; the next publish into the
 * same parent removes it (see `removeStale`). No signal handler is installed.
 */
export function publish(outdir: string, contents: Iterable<readonly [string, string]>): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  // Not mkdtemp: its 0700 mode would become the mode of the published folder.
  removeStale(parent, path.basename(target));
  const staging = path.join(parent, `${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staging);
  try {
    fs.writeFileSync(path.join(staging, STAGING_MARKER), `${process.pid} ${os.hostname()}\n`, 'utf8');
    const names: string[] = [];
    for (const [name, text] of contents) {
      writeInto(staging, name, text);
      names.push(name);
    }
    // A subfolder can be published on its own later (one environment): it needs its own marker.
    for (const dir of new Set(['', ...names.filter((n) => n.includes('/')).map((n) => path.posix.dirname(n))])) {
      const prefix = dir === '' ? '' : `${dir}/`;
      const inside = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
      fs.writeFileSync(path.join(staging, prefix + OUTPUT_MARKER), marker(inside), 'utf8');
    }
    fs.rmSync(path.join(staging, STAGING_MARKER));
    const hadOld = fs.existsSync(target);
    if (hadOld) requireOwnFolder(outdir, target, names);
    const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
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
 * Removes the temporary folders of publishes into `parent/<base>` whose process was killed: a
 * folder named `<base>.tmp-<pid>-<8 hex>` or `<base>.old-<pid>-<8 hex>` that holds timonel's
 * staging marker naming that pid and this host (while it writes) or a `.timonel` marker (in the
 * instant between its two renames), and whose pid is no running process here. A folder of a synth
 * still running, one whose staging marker names another host, and anything else are left alone.
 */
function removeStale(parent: string, base: string): void {
  const named = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-([0-9]+)-[0-9a-f]{8}$`);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(parent, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const m = named.exec(e.name);
    if (!m || !e.isDirectory()) continue;
    const dir = path.join(parent, e.name);
    const pid = Number(m[1]);
    let stamp: string | undefined;
    try {
      stamp = fs.readFileSync(path.join(dir, STAGING_MARKER), 'utf8').trim();
    } catch {
      stamp = undefined;
    }
    const ours = stamp !== undefined ? stamp === `${pid} ${os.hostname()}` : fs.existsSync(path.join(dir, OUTPUT_MARKER));
    if (!ours || pid === process.pid || isRunning(pid)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function marker(names: readonly string[]): string {
  return [
    '# Written by timonel, which replaces this folder as a whole on every synth.',
    '# It refuses to when the folder holds anything but this file and the files listed here.',
    ...[...names].sort(),
    '',
  ].join('\n');
}

/**
 * The files a previous publish wrote into `dir` (its marker's list, '/'-separated, subfolders
 * included), or none when it has no marker: a folder timonel did not write is never read.
 */
export function markedFiles(dir: string): string[] {
  return [...markedNames(dir)];
}

/** The file names listed in a folder's marker, or none when it has no marker. */
function markedNames(dir: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, OUTPUT_MARKER), 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
}

/**
 * What is in `dir` (relative paths, '/'-separated) that no marker in it or above it lists (`own`
 * holds the names listed above): foreign files, and foreign folders as `name/` when nothing in
 * them is timonel's.
 */
function foreignEntries(dir: string, prefix: string, own: Set<string>): string[] {
  for (const name of markedNames(dir)) own.add(prefix + name);
  own.add(prefix + OUTPUT_MARKER);
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) {
      const ours = fs.existsSync(path.join(dir, e.name, OUTPUT_MARKER)) || [...own].some((n) => n.startsWith(`${rel}/`));
      out.push(...(ours ? foreignEntries(path.join(dir, e.name), `${rel}/`, own) : [`${rel}/`]));
    } else if (!(e.isFile() && own.has(rel))) {
      out.push(rel);
    }
  }
  return out;
}

function requireOwnFolder(outdir: string, target: string, names: readonly string[]): void {
  if (!fs.statSync(target).isDirectory()) {
    fail({ path: outdir, message: 'is a file, not an output folder', allowed: 'a folder, or a path where none exists yet', fix: 'choose another outdir (or TIMONEL_OUTDIR), or remove the file' });
  }
  const foreign = foreignEntries(target, '', new Set(names)).sort();
  if (foreign.length === 0) return;
  const named = foreign.slice(0, NAMED_IN_REFUSAL).join(', ');
  const more = foreign.length > NAMED_IN_REFUSAL ? ` and ${foreign.length - NAMED_IN_REFUSAL} more` : '';
  fail({
    path: outdir,
    message: `holds files timonel did not write (${named}${more}); it replaces the output folder as a whole, so it left it unchanged`,
    allowed: 'an output folder of its own: missing, empty, or holding only what timonel wrote', fix: 'move those files elsewhere, or choose an output folder of its own (outdir, or TIMONEL_OUTDIR)',
  });
}

/**
 * Copies `contents` into `dir` (created when missing), next to whatever is there. For the cdk8s
 * CLI's output folder, which the CLI empties itself before running the app.
 */
export function mirror(dir: string, contents: ReadonlyMap<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of contents) writeInto(dir, name, text);
}

/** Like `mirror`, with the files `names` copied from the folder `from` (e.g. a published outdir). */
export function mirrorFiles(from: string, dir: string, names: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of names) {
    if (name.includes('/')) fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.copyFileSync(path.join(from, name), path.join(dir, name));
  }
}

function writeInto(dir: string, name: string, text: string): void {
  const file = path.join(dir, name);
  if (name.includes('/')) fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, 'utf8');
}
