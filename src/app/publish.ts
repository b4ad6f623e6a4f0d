import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fail, TimonelError } from '../core/errors';

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
 * listed in its `.timonel` markers (what previous publishes wrote, in it or in a subfolder); when
 * it has no marker (written before the marker existed), only files about to be written.
 * Any other file or folder in it, also one with the name of a file about to be written, makes
 * `publish` throw a TimonelError naming it, and nothing is changed. The marker is written with
 * the files. A file system error (a path through a file, a name too long, no permission) is a
 * TimonelError naming `outdir`; an error thrown while `contents` produces an entry is passed on.
 *
 * A process killed while writing (Ctrl-C) leaves its temporary folder; the next publish into the
 * same parent removes it (see `removeStale`). No signal handler is installed.
 */
export function publish(outdir: string, contents: Iterable<readonly [string, string]>): void {
  const target = path.resolve(outdir);
  requireFolderPath(outdir, target);
  const produced = new WeakSet<object>();
  try {
    publishInto(outdir, target, contents, produced);
  } catch (e) {
    throw produced.has(e as object) ? e : fsFailure(outdir, e);
  }
}

function publishInto(outdir: string, target: string, contents: Iterable<readonly [string, string]>, produced: WeakSet<object>): void {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  // Not mkdtemp: its 0700 mode would become the mode of the published folder.
  removeStale(parent, path.basename(target));
  const staging = path.join(parent, `${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staging);
  try {
    fs.writeFileSync(path.join(staging, STAGING_MARKER), `${process.pid} ${os.hostname()}\n`, 'utf8');
    const names: string[] = [];
    const entries = contents[Symbol.iterator]();
    for (;;) {
      let next: IteratorResult<readonly [string, string]>;
      try {
        next = entries.next();
      } catch (e) {
        // Thrown while producing the contents (a policy, a render): passed on as it is.
        if (typeof e === 'object' && e !== null) produced.add(e);
        throw e;
      }
      if (next.done) break;
      const [name, text] = next.value;
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

/** What a fix of a bad `outdir` says: the prop, or the variable it came from. */
const OUTDIR_FIX = 'choose another outdir (or TIMONEL_OUTDIR)';

/**
 * Fails, before anything is written, when a folder on the way to `target` is a file (the folders
 * that do not exist yet are made; a file cannot hold one).
 */
function requireFolderPath(outdir: string, target: string): void {
  if (outdir.includes('\0')) {
    fail({ prop: 'outdir', value: outdir, message: 'contains a NUL byte (\\0), which no file system allows in a path', allowed: "a folder path such as 'dist'", fix: `remove the NUL byte, or ${OUTDIR_FIX}` });
  }
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dir);
    } catch {
      stat = undefined; // missing (made by the publish), or under a file (found further up)
    }
    if (stat?.isDirectory()) return;
    if (stat) {
      fail({
        prop: 'outdir', value: outdir, message: `cannot be created: ${dir} in its path is a file, not a folder`,
        allowed: 'a path whose existing parts are folders', fix: `${OUTDIR_FIX}, or move the file ${dir} elsewhere`,
      });
    }
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * A file system error of the publish as a TimonelError naming `outdir`, its value and a fix (the
 * node error's code and text kept); any other error as it is.
 */
function fsFailure(outdir: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof TimonelError || typeof code !== 'string') return e;
  const node = (e as Error).message;
  const [message, allowed, fix] = code === 'ENAMETOOLONG'
    ? [`has a name too long for the file system (${node}); its temporary sibling adds '.tmp-<pid>-<8 hex digits>' to the last name`,
      'folder names of at most 255 bytes, the last one about 25 characters shorter', `use shorter folder names, or ${OUTDIR_FIX}`]
    : code === 'ENOTDIR' || code === 'EEXIST'
      ? [`cannot be written: a part of its path is a file, not a folder (${node})`, 'a path whose existing parts are folders', `${OUTDIR_FIX}, or move that file elsewhere`]
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? [`cannot be written: no permission (${node})`, 'a folder this process may create and write, with its parent', `${OUTDIR_FIX}, or give this user write access to its parent folder`]
        : code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE'
          ? [`is not a path the file system takes (${node})`, "a folder path such as 'dist'", OUTDIR_FIX]
          : [`cannot be written (${node})`, 'a folder this process may create and write', `fix the cause above, or ${OUTDIR_FIX}`];
  return new TimonelError({ prop: 'outdir', value: outdir, message, allowed, fix });
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
  // With a marker, only what it lists is timonel's, also under the name of a file about to be
  // written (a hand-written billing.k8s.yaml before a chart 'billing' is added). Without one (an
  // output of a timonel before the marker), the files about to be written count as its own.
  const legacy = !fs.existsSync(path.join(target, OUTPUT_MARKER));
  const foreign = foreignEntries(target, '', new Set(legacy ? names : [])).sort();
  if (foreign.length === 0) return;
  const named = foreign.slice(0, NAMED_IN_REFUSAL).join(', ');
  const more = foreign.length > NAMED_IN_REFUSAL ? ` and ${foreign.length - NAMED_IN_REFUSAL} more` : '';
  const written = new Set(names);
  const clash = foreign.filter((f) => written.has(f));
  const over = clash.length === 0 ? '' : `; ${clash.join(', ')} ${clash.length === 1 ? 'has the name of a file' : 'have the names of files'} this synth writes, but ${OUTPUT_MARKER} does not list ${clash.length === 1 ? 'it' : 'them'}, so ${clash.length === 1 ? 'it is' : 'they are'} not timonel's to overwrite`;
  fail({
    path: outdir,
    message: `holds files timonel did not write (${named}${more})${over}; it replaces the output folder as a whole, so it left it unchanged`,
    allowed: 'an output folder of its own: missing, empty, or holding only what timonel wrote',
    fix: clash.length === 0
      ? 'move those files elsewhere, or choose an output folder of its own (outdir, or TIMONEL_OUTDIR)'
      : 'move those files elsewhere or delete them, or choose an output folder of its own (outdir, or TIMONEL_OUTDIR)',
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
