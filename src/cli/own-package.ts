import * as fs from 'fs';
import * as path from 'path';

/** What the CLI reads from timonel's own package.json: its version and the peer versions it is tested with. */
export interface OwnPackage {
  readonly name: string;
  readonly version: string;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * The package.json of timonel itself: the nearest one above `from`. The CLI runs from src/cli in a
 * checkout (through tsx) and from lib/src/cli in the installed package, so a fixed number of '..'
 * is right for one of them only.
 */
export function ownPackageFile(from: string = __dirname): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** timonel's package.json, parsed. */
export function ownPackage(from: string = __dirname): OwnPackage {
  const file = ownPackageFile(from);
  if (!file) throw new Error(`timonel's package.json is not in ${from} or any folder above it: reinstall timonel`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
