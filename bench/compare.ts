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
  const onlyA = fa.filter((f) => !fb.includes(f));
  const onlyB = fb.filter((f) => !fa.includes(f));
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

/** How many files a folder holds. */
export function countFiles(dir: string): number {
  return fs.readdirSync(dir).length;
}
