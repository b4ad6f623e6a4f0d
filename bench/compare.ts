import * as fs from 'fs';
import * as path from 'path';

/**
 * Compares two output folders file by file, byte for byte.
 * @param ignore file names present in one folder only by design (e.g. timonel's kustomization.yaml)
 * @returns undefined when equal, else the first difference in words
 */
export function compareDirs(a: string, b: string, ignore: readonly string[] = []): string | undefined {
  const list = (d: string) => fs.readdirSync(d).filter((f) => !ignore.includes(f)).sort();
  const fa = list(a);
  const fb = list(b);
  const inB = new Set(fb);
  const inA = new Set(fa);
  const onlyA = fa.filter((f) => !inB.has(f));
  const onlyB = fb.filter((f) => !inA.has(f));
  if (onlyA.length || onlyB.length) {
    return `different files: only in first [${onlyA.slice(0, 5).join(', ')}], only in second [${onlyB.slice(0, 5).join(', ')}]`;
  }
  for (const f of fa) {
    // latin1: one character per byte, so this is a byte comparison.
    const x = fs.readFileSync(path.join(a, f), 'latin1');
    const y = fs.readFileSync(path.join(b, f), 'latin1');
    if (x !== y) {
      let i = 0;
      while (i < x.length && i < y.length && x[i] === y[i]) i++;
      return `${f} differs at byte ${i} (${x.length} vs ${y.length} bytes)`;
    }
  }
  return undefined;
}

/** The YAML files of an output folder and the documents in them (cdk8s separates them by `---`). */
export function countOutput(dir: string, ignore: readonly string[] = []): { files: number; objects: number } {
  let files = 0;
  let objects = 0;
  for (const f of fs.readdirSync(dir)) {
    if (ignore.includes(f) || !f.endsWith('.yaml')) continue;
    files++;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    if (text.trim()) objects += text.split('\n---\n').length;
  }
  return { files, objects };
}
